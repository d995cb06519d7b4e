import { describe, expect, it } from 'vitest';
import { SharedCpu } from '../../../shared/core/sim/shared-cpu.js';

/** Runs the CPU's finishes in time order until none is left; returns when each job finished. */
function runAll(cpu: SharedCpu, starts: Array<{ atMs: number; workMs: number }>): number[] {
  const finished: number[] = new Array<number>(starts.length).fill(NaN);
  const pending = [...starts.map((start, i) => ({ ...start, i }))].sort((a, b) => a.atMs - b.atMs);
  let next = Infinity;
  while (pending.length > 0 || Number.isFinite(next)) {
    if (pending.length > 0 && pending[0]!.atMs <= next) {
      const { atMs, workMs, i } = pending.shift()!;
      next = cpu.start(atMs, workMs, (nowMs) => (finished[i] = nowMs));
    } else next = cpu.finishDue(next);
  }
  return finished;
}

describe('the shared CPU', () => {
  it('lets each call run alone while there are no more calls than cores', () => {
    expect(runAll(new SharedCpu({ cores: 2 }), [{ atMs: 0, workMs: 100 }, { atMs: 10, workMs: 100 }])).toEqual([100, 110]);
  });

  it('divides one core between two calls, each slower until the other is done', () => {
    // Half speed each until the short one is done at 200 (100 ms of work each), then the long one alone: 200 more.
    const [short, long] = runAll(new SharedCpu({ cores: 1 }), [{ atMs: 0, workMs: 100 }, { atMs: 0, workMs: 300 }]);
    expect(short).toBeCloseTo(200, 6);
    expect(long).toBeCloseTo(400, 6);
  });

  it('slows three calls on two cores by three halves', () => {
    const finished = runAll(new SharedCpu({ cores: 2 }), [{ atMs: 0, workMs: 60 }, { atMs: 0, workMs: 60 }, { atMs: 0, workMs: 60 }]);
    for (const t of finished) expect(t).toBeCloseTo(90, 6);
  });

  it('runs at its share of the cores now over its share when calibrated, other work taking its part', () => {
    // Calibrated with 4 threads ready on 2 cores (half a core each); now 2 background threads and this call: 2/3.
    const [alone] = runAll(new SharedCpu({ cores: 2, backgroundThreads: 2, calibrationRunnable: 4 }), [{ atMs: 0, workMs: 100 }]);
    expect(alone).toBeCloseTo(75, 6);
    // Two calls beside the same background: half a core each, as fast as calibrated.
    const both = runAll(new SharedCpu({ cores: 2, backgroundThreads: 2, calibrationRunnable: 4 }), [{ atMs: 0, workMs: 100 }, { atMs: 0, workMs: 100 }]);
    for (const t of both) expect(t).toBeCloseTo(100, 6);
  });
});
