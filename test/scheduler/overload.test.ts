/**
 * Overload: with a small queue bound, requests beyond it are refused at once with 429, a JSON
 * `queue_full` error and a Retry-After header, while the admitted ones are still answered (a result, or a clear
 * error) once the lane moves. The lane is the real inference app with the real model on loopback, held shut by a
 * gate so the queue fills deterministically: no timing is asserted, only order (every 429 arrives while the gate
 * is still shut, so none waited for the lane).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatedLaneScheduler, type GatedLaneScheduler } from './gated-lane.js';

const MAX_QUEUED = 6;
const MAX_BATCH = 2;
const SENT = 30;

describe('the scheduler under overload', () => {
  let gated: GatedLaneScheduler;
  // A long SLO: the gate, not the clock, decides when the lane answers.
  beforeAll(async () => {
    gated = await startGatedLaneScheduler({ sloMs: 30_000, maxQueued: MAX_QUEUED, maxBatch: MAX_BATCH });
  }, 60_000);
  afterAll(async () => gated?.close());

  it('refuses requests beyond the queue bound at once with 429 + Retry-After, and answers the admitted ones', async () => {
    const { answers: all } = await gated.burst(SENT);

    const refusals = all.filter((a) => a.status === 429);
    const admitted = all.filter((a) => a.status !== 429);
    // The queue holds MAX_QUEUED; the plan's first batch (1 or 2 requests) left it for the shut lane.
    expect(admitted.length).toBeGreaterThanOrEqual(MAX_QUEUED + 1);
    expect(admitted.length).toBeLessThanOrEqual(MAX_QUEUED + MAX_BATCH);
    expect(refusals).toHaveLength(SENT - admitted.length);
    for (const refusal of refusals) {
      expect(refusal.beforeGateOpened).toBe(true);
      expect(refusal.body.error?.code).toBe('queue_full');
      expect(refusal.body.error?.message).toMatch(/queue is full/i);
      expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // Every admitted request got its own answer: a result from the lane (the SLO is long enough).
    for (const answer of admitted) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.placement).toBe('serverless');
    }
    expect(gated.scheduler.engine.inFlightRequests).toBe(0);
    expect((await fetch(`${gated.url}/healthz`)).status).toBe(200);
  }, 120_000);
});
