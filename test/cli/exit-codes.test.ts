/** The CLI maps the core's error vocabulary to exit codes itself; the program's own faults are not "bad usage". */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/command.js';
import { exitCodeOf } from '../../cli/edgebatch.js';

describe('exit codes of core errors', () => {
  it('bad input is bad usage, an infeasible request a failed result, an internal fault is not swallowed', () => {
    expect(exitCodeOf('invalid_input')).toBe(EXIT.usage);
    expect(exitCodeOf('infeasible')).toBe(EXIT.failed);
    expect(exitCodeOf('internal')).toBeUndefined();
    expect(exitCodeOf('store_unavailable')).toBeUndefined();
  });
});
