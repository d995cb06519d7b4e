import { describe, expect, it } from 'vitest';
import { DrainRate } from '../../../shared/core/queue/drain-rate.js';
import { VirtualQueue } from '../../../shared/core/queue/index.js';
import type { LaneStatus } from '../../../shared/core/types.js';
import { runFlood, type FloodSpec } from './flood.js';
import { makeLanes, makePlan, req } from './fixtures.js';

describe('DrainRate', () => {
  it('is the prior alone before any sample, and nothing without a prior or a sample', () => {
    expect(new DrainRate().perMs(0, 0.01, false)).toBe(0.01);
    expect(new DrainRate().perMs(0, undefined, false)).toBeUndefined();
  });

  // By hand: R = 4 e^-0.04 + 4, T = 100 e^-0.04 + 200 (296.08 ms), the prior fills the missing 1000 - T ms.
  it('mixes decayed samples with the prior standing in for the observation still missing', () => {
    const rate = new DrainRate();
    rate.noteDispatch(0, 4, 8, 4); // leaves two full batches: the next gap is a sample
    rate.noteDispatch(100, 4, 4, 4);
    rate.noteDispatch(300, 4, 0, 4); // leaves nothing: no open gap after it
    expect(rate.perMs(300, undefined, false)).toBeCloseTo((4 * Math.exp(-0.04) + 4) / (100 * Math.exp(-0.04) + 200), 12);
    expect(rate.perMs(300, 0.01, false)).toBeCloseTo(0.014882368317456969, 12);
    expect(rate.perMs(5_000, 0.01, false)).toBeCloseTo(0.014882368317456969, 12); // idle time is no evidence
  });

  it('does not count gaps after a dispatch that left less than a full batch (arrivals, not the lane, set that pace)', () => {
    const rate = new DrainRate();
    rate.noteDispatch(0, 4, 3, 4);
    rate.noteDispatch(1_000, 4, 0, 4);
    expect(rate.perMs(1_000, 0.01, false)).toBe(0.01);
  });

  it('counts the gap to a dispatch that a full batch waited for (no free slot): the lane set that pace', () => {
    const rate = new DrainRate();
    rate.noteDispatch(0, 4, 0, 4);
    rate.noteBlocked();
    rate.noteDispatch(200, 4, 0, 4);
    expect(rate.perMs(200, undefined, false)).toBe(4 / 200);
  });

  it('lowers its estimate while a backlogged lane dispatches nothing (a stall shows before the next sample)', () => {
    const rate = new DrainRate();
    rate.noteDispatch(0, 4, 8, 4);
    const early = rate.perMs(10, 0.01, true)!;
    const late = rate.perMs(2_000, 0.01, true)!;
    expect(late).toBeLessThan(early);
    // The open gap counts as time with nothing drained: e^-0.4-decayed nothing over 2000 ms, the prior faded out.
    expect(late).toBe(0);
    expect(rate.perMs(500, 0.01, true)).toBeCloseTo((0.01 * 500) / 1000, 12);
  });
});

// Lanes that dispatch nothing (no free slots), so only admission is at work; the edge's mean batch time is
// 100 + 10 b ms (140 ms for its batch of 4), the serverless lane's 200 + 50 b (300 ms for its batch of 2).
const edgeMean = (b: number) => 100 + 10 * b;
const serverlessMean = (b: number) => 200 + 50 * b;
const blocked = (forecast: boolean): Record<'edge' | 'serverless', LaneStatus> =>
  makeLanes({
    edge: { freeSlots: 0, ...(forecast ? { expectedBatchMs: edgeMean } : {}) },
    serverless: { freeSlots: 0, ...(forecast ? { expectedBatchMs: serverlessMean } : {}) },
  });

describe('VirtualQueue admission by predicted completion', () => {
  it('admits while the forecast answer is before the deadline, then refuses as overloaded with the drain time as Retry-After', () => {
    const plan = makePlan({ edge: { batchSize: 4, share: 1 }, serverless: { share: 0 } });
    const queue = new VirtualQueue();
    const kinds: string[] = [];
    // All at t = 0, deadline 1000: with k ahead, answer at floor(k / 4) * 140 + 140 <= 1000 while k <= 27.
    for (let i = 0; i < 30; i += 1) kinds.push(queue.admit(req(`r${i}`, 0, 1000), plan, blocked(true), 0).kind);
    expect(kinds).toEqual([...Array<string>(28).fill('admitted'), 'refused', 'refused']);
    const refusal = queue.admit(req('late', 0, 1000), plan, blocked(true), 0);
    expect(refusal).toMatchObject({ kind: 'refused', reason: 'overloaded' });
    // Drain time of the 28 queued at the prior's 4 per 140 ms: 980 ms.
    expect(refusal.kind === 'refused' && refusal.retryAfterMs).toBeGreaterThanOrEqual(980);
    expect(refusal.kind === 'refused' && refusal.retryAfterMs).toBeLessThanOrEqual(981);
    expect(queue.snapshot().totals.refused.overloaded).toBe(3);
    // A later deadline still fits behind the same backlog.
    expect(queue.admit(req('patient', 0, 5000), plan, blocked(true), 0).kind).toBe('admitted');
  });

  it('changes nothing without a mean model, nor while less than a full batch is ahead', () => {
    const plan = makePlan({ edge: { batchSize: 4, share: 1 }, serverless: { share: 0 } });
    const without = new VirtualQueue();
    for (let i = 0; i < 60; i += 1) expect(without.admit(req(`r${i}`, 0, 1000), plan, blocked(false), 0).kind).toBe('admitted');
    // A deadline too short for even one batch behind nothing: the forecast does not judge the first batch.
    const tight = new VirtualQueue();
    for (let i = 0; i < 4; i += 1) expect(tight.admit(req(`t${i}`, 0, 120), plan, blocked(true), 0).kind).toBe('admitted');
  });

  it('places a request on the lane that can make it when the one its share points to cannot (spill)', () => {
    const plan = makePlan({ edge: { batchSize: 4, share: 0.5 }, serverless: { batchSize: 2, share: 0.5 } });
    const queue = new VirtualQueue();
    const outcomes = Array.from({ length: 36 }, (_, i) => queue.admit(req(`r${i}`, 0, 1000), plan, blocked(true), 0));
    // Serverless makes it while floor(k / 2) * 300 + 300 <= 1000 (k <= 5): 6 there, then the edge takes all
    // the rest until it too is full at 28 (above), and then both refuse.
    const snapshot = queue.snapshot();
    expect(snapshot.lanes.serverless.depth).toBe(6);
    expect(snapshot.lanes.edge.depth).toBe(28);
    expect(outcomes.slice(34).map((o) => o.kind === 'refused' && o.reason)).toEqual(['overloaded', 'overloaded']);
    expect(outcomes.slice(12, 34).every((o) => o.kind === 'admitted' && o.lane === 'edge')).toBe(true);
  });

  it('puts a high request only behind the high ones: lows ahead do not count', () => {
    const plan = makePlan({ edge: { batchSize: 4, share: 1 }, serverless: { share: 0 } });
    const queue = new VirtualQueue();
    for (let i = 0; i < 28; i += 1) queue.admit(req(`low${i}`, 0, 1000, 'low'), plan, blocked(true), 0);
    expect(queue.admit(req('low-late', 0, 1000, 'low'), plan, blocked(true), 0)).toMatchObject({ kind: 'refused', reason: 'overloaded' });
    expect(queue.admit(req('high', 0, 1000, 'high'), plan, blocked(true), 0)).toMatchObject({ kind: 'admitted', lane: 'edge' });
  });

  it('keeps the queue bound first: a full queue still answers queue_full', () => {
    const plan = makePlan({ edge: { batchSize: 4, share: 1 }, serverless: { share: 0 } });
    const queue = new VirtualQueue({ maxQueued: 10 });
    for (let i = 0; i < 10; i += 1) queue.admit(req(`r${i}`, 0, 1000), plan, blocked(true), 0);
    expect(queue.admit(req('x', 0, 1000), plan, blocked(true), 0)).toMatchObject({ kind: 'refused', reason: 'queue_full' });
  });

  it('refuses a bad expectedBatchMs clearly', () => {
    const plan = makePlan({ edge: { batchSize: 1, share: 1 }, serverless: { share: 0 } });
    const lanes = makeLanes({ edge: { freeSlots: 0, expectedBatchMs: () => NaN } });
    const queue = new VirtualQueue();
    queue.admit(req('a', 0), plan, lanes, 0);
    expect(() => queue.admit(req('b', 0), plan, lanes, 0)).toThrow(/expectedBatchMs\(1\) to be a number >= 0, got null/);
  });
});

// One lane: an edge box whose GPU runs one batch of 4 in 200 ms (capacity 20 requests/s), with a second batch
// uploading behind it (2 slots), SLO 1 s; the queue is told a mean of half the truth.
const edge: Omit<FloodSpec, 'rateRps' | 'believedBatchMs'> = {
  seed: 6,
  durationMs: 30_000,
  sloMs: 1000,
  batchSize: 4,
  timeoutMs: 100,
  slots: 2,
  servers: 1,
  trueBatchMs: () => 200,
  maxQueued: 10_000,
};

describe('Admission by predicted completion under a flood (virtual clock, seeded)', () => {
  it('at three times capacity: refuses the excess at once, and what it admits is answered in time', () => {
    const forecast = runFlood({ ...edge, rateRps: 60, believedBatchMs: () => 100 });
    const blind = runFlood({ ...edge, rateRps: 60, believedBatchMs: undefined });
    expect(forecast.refusedThenDispatched).toEqual([]);
    expect(forecast.refused.overloaded).toBeGreaterThan(forecast.sent / 2);
    expect(forecast.overloadedRetryAfterMs.every((ms) => ms >= 1 && ms <= 1000)).toBe(true);
    // Nearly everything admitted is answered within its deadline: the few late ones come in the first second,
    // before the drain rate has replaced the prior (twice too optimistic here); told the truth, none is late.
    expect(forecast.answeredInTime / forecast.admitted).toBeGreaterThan(0.97);
    const told = runFlood({ ...edge, rateRps: 60, believedBatchMs: () => 200 });
    expect(told.answeredLate + told.rejectedAfterAdmission).toBe(0);
    // It serves about as many in time as the lane can (20/s for 30 s), not fewer than without the forecast.
    expect(forecast.answeredInTime).toBeGreaterThanOrEqual(blind.answeredInTime * 0.95);
    // Without it the queue admits everything and most admitted requests wait their deadline away.
    expect(blind.refused.overloaded).toBeUndefined();
    expect(blind.answeredInTime / blind.admitted).toBeLessThan(0.5);
  });

  it('under light load refuses nothing', () => {
    const light = runFlood({ ...edge, rateRps: 8, believedBatchMs: () => 100 });
    expect(light.refused).toEqual({});
    expect(light.answeredInTime).toBe(light.sent);
  });
});
