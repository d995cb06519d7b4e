import { describe, expect, it } from 'vitest';
import { VirtualQueue } from '../../../shared/core/queue/index.js';
import type { LaneStatus } from '../../../shared/core/types.js';
import { makeLanes, makePlan, req } from './fixtures.js';

// Edge: mean 300 ms, p99 600 ms for a batch of one, busy (no free slot) with its first slot freeing in
// `slotFreeInMs`. Serverless: a free slot, mean 400 ms, p99 700 ms. SLO 1 s.
const plan = makePlan({ edge: { batchSize: 8, timeoutMs: 0, share: 0.9 }, serverless: { batchSize: 1, timeoutMs: 0, share: 0.1 } });
const busyEdge = (slotFreeInMs: number | undefined): LaneStatus => ({
  healthy: true,
  freeSlots: 0,
  serviceMs: () => 600,
  expectedServiceMs: 300,
  expectedBatchMs: () => 300,
  ...(slotFreeInMs === undefined ? {} : { slotFreeInMs }),
});
const freeServerless: LaneStatus = { healthy: true, freeSlots: 4, serviceMs: () => 700, expectedServiceMs: 400, expectedBatchMs: () => 400 };

function placements(slotFreeInMs: number | undefined, serverless: LaneStatus = freeServerless): string[] {
  const queue = new VirtualQueue();
  const lanes = makeLanes({ edge: busyEdge(slotFreeInMs), serverless });
  const placed: string[] = [];
  for (let i = 0; i < 10; i += 1) {
    const outcome = queue.admit(req(`r${i}`, 0, 1000), plan, lanes, 0);
    placed.push(outcome.kind === 'admitted' ? outcome.lane : outcome.reason);
    // Serverless has slots to spare: what went there leaves at once (the edge holds its requests).
    while (queue.next(plan, lanes, 0).kind === 'dispatch');
  }
  return placed;
}

describe('VirtualQueue placement by likely completion', () => {
  it('follows the shares while every lane is likely to answer in time', () => {
    const placed = placements(100); // edge likely at 100 + 300 + 150 = 550 ms, serverless at 550 ms
    expect(placed.filter((lane) => lane === 'edge')).toHaveLength(9);
    expect(placed.filter((lane) => lane === 'serverless')).toHaveLength(1);
  });

  it('sends newcomers past a GPU that will not be free in time to a lane that is likely to make it', () => {
    // Edge: expected 600 + 300 = 900 ms (a candidate), likely 900 + (600 - 300) / 2 = 1,050 ms: late.
    // Serverless: expected 400 ms, likely 550 ms.
    expect(placements(600)).toEqual(Array(10).fill('serverless'));
  });

  it('keeps the shares when no lane is likely to make it (and refuses nobody for it)', () => {
    const slowServerless: LaneStatus = { ...freeServerless, serviceMs: () => 1600, expectedServiceMs: 600, expectedBatchMs: () => 600 }; // likely 1,100 ms
    const placed = placements(600, slowServerless);
    expect(placed.filter((lane) => lane === 'edge')).toHaveLength(9);
    expect(placed.filter((lane) => lane === 'serverless')).toHaveLength(1);
  });

  it('without slotFreeInMs, a busy lane is judged as if its slot freed now', () => {
    expect(placements(undefined).filter((lane) => lane === 'edge')).toHaveLength(9);
  });
});

describe('VirtualQueue and the wait behind a lane\'s batches in flight', () => {
  const single = makePlan({ edge: { batchSize: 4, timeoutMs: 0, share: 0.5 }, serverless: { batchSize: 1, timeoutMs: 0, share: 0.5 } });
  const idleEdge: LaneStatus = { healthy: true, freeSlots: 1, serviceMs: () => 200, expectedServiceMs: 100, expectedBatchMs: () => 100 };

  it('counts it in the deadline rule: a request the uplink cannot carry in time goes to the lane that can', () => {
    const queue = new VirtualQueue();
    // Serverless would answer in 400 ms when idle, but its uplink still carries 700 ms of earlier batches.
    const lanes = makeLanes({ edge: { ...idleEdge, freeSlots: 0 }, serverless: { ...freeServerless, waitMs: 700 } });
    const placed = [0, 1, 2, 3].map((i) => queue.admit(req(`r${i}`, 0, 1000), single, lanes, 0));
    expect(placed.map((outcome) => (outcome.kind === 'admitted' ? outcome.lane : outcome.reason))).toEqual(['edge', 'edge', 'edge', 'edge']);
  });

  it('closes a batch earlier by it: the p99 time plus the wait must fit before the first deadline', () => {
    const plan = makePlan({ edge: { batchSize: 4, timeoutMs: 700, share: 1 }, serverless: { share: 0 } });
    const queue = new VirtualQueue();
    const lanes = makeLanes({ edge: { ...idleEdge, waitMs: 300 } });
    queue.admit(req('a', 0, 1000), plan, lanes, 0);
    // The batch must leave by 1000 - 200 - 300 = 500 ms; on an idle lane it could wait for its 700 ms timeout.
    expect(queue.next(plan, lanes, 0)).toEqual({ kind: 'wait', ms: 500 });
    expect(queue.next(plan, makeLanes({ edge: idleEdge }), 0)).toEqual({ kind: 'wait', ms: 700 });
    const later = makeLanes({ edge: { ...idleEdge, waitMs: 400 } });
    expect(queue.next(plan, later, 0)).toEqual({ kind: 'wait', ms: 400 });
  });

  it('refuses a bad wait clearly', () => {
    const queue = new VirtualQueue();
    expect(() => queue.admit(req('a', 0), single, makeLanes({ serverless: { ...freeServerless, waitMs: Number.NaN } }), 0)).toThrow(/lanes.serverless.waitMs to be a number >= 0, got/);
  });
});
