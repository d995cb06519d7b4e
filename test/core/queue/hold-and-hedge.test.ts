import { describe, expect, it } from 'vitest';
import { predictedLate, tailSpreadMs } from '../../../shared/core/queue/hedge.js';
import { LaneClock } from '../../../shared/core/queue/lane-clock.js';
import { clockedStatus, laneTimes } from '../../../shared/core/queue/lane-times.js';
import type { LatencyModel } from '../../../shared/core/types.js';

/** An Orin-like GPU line: 80 ms a batch plus 8 ms an image (p99 twice that). */
const GPU: LatencyModel = { mean: { baseMs: 80, perItemMs: 8 }, p99: { baseMs: 160, perItemMs: 16 }, relativeResiduals: [], samples: 10, rmseMs: 1 };
const PAYLOAD = 25_000; // 200,000 bits
const ONE_GPU = { oneServer: true, sharedLink: true };

function edgeStatus(mbps: number, busyBatches: number, nowMs = 0) {
  const clock = new LaneClock(ONE_GPU);
  const link = { bandwidthMbps: mbps, rttMs: 10 };
  for (let i = 0; i < busyBatches; i += 1) clock.dispatched(0, 8 * PAYLOAD * 10, mbps, 80 + 8 * 10 + 10);
  return clockedStatus(true, 2, laneTimes(GPU, link, PAYLOAD), clock, link, PAYLOAD, nowMs);
}

describe('the queue holds a batch for a busy GPU, never for a busy link', () => {
  it('on a LAN the GPU is the bottleneck: a small batch is held until it would arrive as the GPU frees', () => {
    // 100 Mbit/s: a batch of 10 crosses in 20 ms and takes 160 ms on the GPU; two are in flight.
    const status = edgeStatus(100, 2);
    const hold = status.holdMs!(1);
    // The first is answered at 190 ms, the second 170 ms later, at 360; the GPU is free a round trip (10 ms) before.
    // A batch of one sent now crosses once the link has carried both (40 ms), in 2 ms: held 360 - 10 - 40 - 2.
    expect(hold).toBeCloseTo(308, 6);
    // A batch with nothing ahead is not held.
    expect(edgeStatus(100, 0).holdMs?.(1) ?? 0).toBe(0);
  });

  it('on a slow uplink the link is the bottleneck: nothing is held, so the link never idles', () => {
    // 2 Mbit/s: one image takes 100 ms to cross and 88 ms on the GPU.
    const status = edgeStatus(2, 2);
    expect(status.holdMs?.(1) ?? 0).toBe(0);
    expect(status.holdMs?.(5) ?? 0).toBe(0);
  });
});

describe('predictedLate: hedge only a batch its lane is expected to answer late', () => {
  const spread = tailSpreadMs(GPU, 10); // p99 320 - mean 160
  it('the tail spread is the p99 line less the mean line at the batch size', () => {
    expect(spread).toBe(160);
  });

  it('on time at the tail: no hedge; expected past the deadline at the tail: hedge', () => {
    expect(predictedLate(500, spread, 1000, 300)).toBe(false);
    expect(predictedLate(900, spread, 1000, 300)).toBe(true);
  });

  it('a batch later than its own tail (a stalled link, a cold call) is predicted late', () => {
    expect(predictedLate(200, spread, 1000, 361)).toBe(true);
    expect(predictedLate(200, spread, 1000, 359)).toBe(false);
  });
});
