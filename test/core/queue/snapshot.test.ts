import { describe, expect, it } from 'vitest';
import { VirtualQueue } from '../../../shared/core/queue/index.js';
import { ids, makeLanes, makePlan, req } from './fixtures.js';

const plan = makePlan();
const blocked = makeLanes({ edge: { freeSlots: 0 }, serverless: { freeSlots: 0 } });

describe('VirtualQueue snapshot, remove and drain', () => {
  it('counts per lane and priority, with the oldest arrival and wait', () => {
    const queue = new VirtualQueue({ maxQueued: 50 });
    queue.admit(req('a', 10, 2000, 'low'), plan, blocked, 10); // edge
    queue.admit(req('b', 20, 1500, 'high'), plan, blocked, 20); // serverless
    queue.admit(req('c', 30, 1200, 'high'), plan, blocked, 30); // edge
    const snapshot = queue.snapshot(100);
    expect(snapshot).toMatchObject({
      size: 3,
      maxQueued: 50,
      byPriority: { high: 2, low: 1 },
      oldestArrivalMs: 10,
      oldestWaitMs: 90,
      lanes: {
        edge: { depth: 2, byPriority: { high: 1, low: 1 }, oldestArrivalMs: 10, oldestArrivalByPriority: { high: 30, low: 10 }, earliestDeadlineMs: 1200 },
        serverless: { depth: 1, byPriority: { high: 1, low: 0 }, oldestArrivalMs: 20, earliestDeadlineMs: 1500 },
      },
    });
    expect(queue.snapshot().oldestWaitMs).toBeNull();
    expect(new VirtualQueue().snapshot(5)).toMatchObject({ size: 0, oldestArrivalMs: null, oldestWaitMs: null });
  });

  it('removes one request by id and drains the rest oldest first', () => {
    const queue = new VirtualQueue();
    for (const [id, at] of [['a', 0], ['b', 1], ['c', 2], ['d', 3]] as const) queue.admit(req(id, at), plan, blocked, at);
    expect(queue.remove('b')).toEqual(req('b', 1));
    expect(queue.remove('b')).toBeUndefined();
    expect(queue.size).toBe(3);
    expect(ids(queue.drain())).toEqual(['a', 'c', 'd']);
    expect(queue.size).toBe(0);
    expect([queue.depth('edge'), queue.depth('serverless')]).toEqual([0, 0]);
    expect(queue.next(plan, makeLanes(), 10)).toEqual({ kind: 'wait', ms: Infinity });
    expect(queue.snapshot().totals).toMatchObject({ admitted: 4, removed: 1, drained: 3 });
  });
});
