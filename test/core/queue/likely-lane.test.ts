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
