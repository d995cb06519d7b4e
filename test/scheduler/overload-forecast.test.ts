/**
 * Overload, admission by predicted completion over real HTTP: a burst far past what the lane can serve
 * in time is refused at once with 429, Retry-After and an "Overloaded" message, well below the queue bound,
 * while every admitted request still gets its result. The lane is the real inference app with the real model
 * on loopback, held shut by a gate: every refusal comes back before any batch completes, so none waited for
 * the lane (order, not timing, is asserted). The forecast runs on the built-in profiles' mean batch time
 * (several hundred ms for FC) behind the requests queued for the shut lane.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatedLaneScheduler, type GatedLaneScheduler } from './gated-lane.js';

const MAX_QUEUED = 1000;
const MAX_BATCH = 2;
const SENT = 80;
/** Long enough for the admitted requests to be served after the gate opens, short enough that 80 do not fit. */
const SLO_MS = 10_000;

describe('the scheduler under a burst past what its lanes serve in time', () => {
  let gated: GatedLaneScheduler;
  beforeAll(async () => {
    gated = await startGatedLaneScheduler({ sloMs: SLO_MS, maxQueued: MAX_QUEUED, maxBatch: MAX_BATCH });
  }, 60_000);
  afterAll(async () => gated?.close());

  it('answers 429 Overloaded + Retry-After before any batch completes, far below the queue bound, and serves the admitted', async () => {
    const { answers: all, queuedWhenOpened: queuedAtMost } = await gated.burst(SENT);
    const engine = gated.scheduler.engine;

    const refusals = all.filter((a) => a.status === 429);
    const admitted = all.filter((a) => a.status !== 429);
    expect(refusals.length).toBeGreaterThan(0);
    expect(admitted.length).toBeGreaterThan(MAX_BATCH);
    expect(queuedAtMost).toBeLessThan(MAX_QUEUED);
    for (const refusal of refusals) {
      expect(refusal.beforeGateOpened).toBe(true);
      expect(refusal.batchesCompletedBefore).toBe(0);
      expect(refusal.body.error?.code).toBe('queue_full');
      expect(refusal.body.error?.message).toMatch(/^Overloaded/);
      expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    for (const answer of admitted) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.placement).toBe('serverless');
    }
    expect(engine.queueSnapshot().totals.refused.overloaded).toBe(refusals.length);
    expect(engine.inFlightRequests).toBe(0);
  }, 120_000);
});
