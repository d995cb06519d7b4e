import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfiles } from '../../shared/core/profiles/profiles-format.js';
import { REPO_ROOT, DATA } from '../support/paths.js';

const bin = join(REPO_ROOT, 'bin', 'edgebatch.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
const measurements = join(DATA, 'seed', 'measurements');

describe('edgebatch fit', () => {
  it('fits the prototype files, prints the table and writes a profiles file plan accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fit-'));
    const out = join(dir, 'profiles.json');
    const result = run('fit', '--edge', join(measurements, 'fitting_orin.txt'), '--serverless', join(measurements, 'fitting_api_new.txt'), '--out', out, '--cold-start-ms', '1500');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^edge\s+mean/m);
    expect(result.stdout).toMatch(/serverless 3072 MB\/1\.5 vCPU/);
    const set = parseProfiles(readFileSync(out, 'utf8'), 'profiles.json');
    expect(set.serverless.every((o) => o.coldStartMs === 1500)).toBe(true);
    const plan = run('plan', '--rps', '10', '--bandwidth', '20', '--slo', '2', '--profiles', out);
    expect(plan.status).toBe(0);
  });

  it('exits 3 with the file and line of a malformed measurement', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fit-'));
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '1 1024 0.4\n2 1024 oops\n');
    const result = run('fit', '--edge', join(measurements, 'fitting_orin.txt'), '--serverless', bad);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('bad.txt line 2');
    expect(run('fit', '--edge', 'x').status).toBe(2);
  });
});
