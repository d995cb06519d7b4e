import { describe, expect, it } from 'vitest';
import { readTimedBody } from '../../edge-agent/body.js';
import { TransferPool, type BodyTiming } from '../../edge-agent/transfer-pool.js';

describe('TransferPool: batch bodies pooled into bandwidth samples', () => {
  it('pools small bodies until they carried enough bytes, then gives their bytes over their time', () => {
    const pool = new TransferPool(64_000, 1_000);
    expect(pool.add({ bytes: 24_000, startMs: 0, endMs: 10 }, 100)).toBeUndefined();
    expect(pool.add({ bytes: 24_000, startMs: 20, endMs: 30 }, 130)).toBeUndefined();
    expect(pool.add({ bytes: 24_000, startMs: 40, endMs: 50 }, 150)).toEqual({ atMs: 150, bytes: 72_000, ms: 30, kind: 'transfer' });
    // The next pool starts empty.
    expect(pool.add({ bytes: 24_000, startMs: 60, endMs: 70 }, 170)).toBeUndefined();
  });

  it('counts the time of bodies read side by side once: they shared the link', () => {
    const pool = new TransferPool(40_000, 1_000);
    expect(pool.add({ bytes: 20_000, startMs: 0, endMs: 10 }, 10)).toBeUndefined();
    // Overlaps the first body's last 5 ms: only its 5 ms beyond it are new link time.
    expect(pool.add({ bytes: 20_000, startMs: 5, endMs: 15 }, 15)).toEqual({ atMs: 15, bytes: 40_000, ms: 15, kind: 'transfer' });
  });

  it('reports a trickle once the pool is old enough, so a dip shows within about a second', () => {
    const pool = new TransferPool(64_000, 1_000);
    expect(pool.add({ bytes: 2_000, startMs: 0, endMs: 300 }, 300)).toBeUndefined();
    expect(pool.add({ bytes: 1_000, startMs: 900, endMs: 1_200 }, 1_300)).toEqual({ atMs: 1_300, bytes: 3_000, ms: 600, kind: 'transfer' });
  });

  it('ignores a body that carried nothing after its first chunk', () => {
    const pool = new TransferPool(1, 1_000);
    expect(pool.add({ bytes: 0, startMs: 0, endMs: 0 }, 0)).toBeUndefined();
    expect(pool.add({ bytes: 10, startMs: 5, endMs: 5 }, 5)).toBeUndefined();
  });
});

describe('readTimedBody reports the timing of what arrived, however the body ends', () => {
  const clockOf = (times: number[]) => () => times.shift() ?? NaN;

  it('times a whole body from its first chunk to its last', async () => {
    const timings: BodyTiming[] = [];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const size of [1_000, 2_000, 3_000]) controller.enqueue(new Uint8Array(size));
        controller.close();
      },
    });
    const body = await readTimedBody(stream, 1e6, clockOf([10, 14, 20]), (timing) => timings.push(timing));
    expect(body.body.byteLength).toBe(6_000);
    expect(timings).toEqual([{ bytes: 5_000, startMs: 10, endMs: 20 }]);
  });

  it('times a body the sender cut off, and still fails the read', async () => {
    const timings: BodyTiming[] = [];
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls <= 2) controller.enqueue(new Uint8Array(4_000));
        else controller.error(new Error('aborted'));
      },
    });
    await expect(readTimedBody(stream, 1e6, clockOf([100, 150]), (timing) => timings.push(timing))).rejects.toThrow('aborted');
    expect(timings).toEqual([{ bytes: 4_000, startMs: 100, endMs: 150 }]);
  });
});
