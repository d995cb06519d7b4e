import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/core/errors.js';
import { VirtualQueue } from '../../../shared/core/queue/index.js';
import type { QueuedRequest } from '../../../shared/core/types.js';
import { makeLanes, makePlan, req } from './fixtures.js';

const plan = makePlan({ edge: { timeoutMs: 400 }, serverless: { timeoutMs: 300 } });
// No free slots: nothing leaves, so only admission rules are at work.
const blocked = makeLanes({ edge: { freeSlots: 0 }, serverless: { freeSlots: 0 } });

describe('VirtualQueue admission', () => {
  it('refuses past maxQueued at once with a Retry-After estimate (oldest wait, at least the longest timeout)', () => {
    const queue = new VirtualQueue({ maxQueued: 3 });
    for (const id of ['a', 'b', 'c']) expect(queue.admit(req(id, 0), plan, blocked, 0).kind).toBe('admitted');
    expect(queue.admit(req('d', 100), plan, blocked, 100)).toEqual({ kind: 'refused', reason: 'queue_full', retryAfterMs: 400 });
    expect(queue.admit(req('e', 650.2), plan, blocked, 650.2)).toEqual({ kind: 'refused', reason: 'queue_full', retryAfterMs: 651 });
    expect(queue.size).toBe(3);
  });

  it('refuses low priority once the queue holds lowPriorityMaxFraction of maxQueued, high still admitted', () => {
    const queue = new VirtualQueue({ maxQueued: 10, lowPriorityMaxFraction: 0.75 });
    // ceil(0.75 * 10) = 8 lows fit.
    const lows = Array.from({ length: 9 }, (_, i) => queue.admit(req(`low${i}`, i, 5000, 'low'), plan, blocked, i).kind);
    expect(lows).toEqual([...Array<string>(8).fill('admitted'), 'refused']);
    expect(queue.admit(req('high0', 9), plan, blocked, 9).kind).toBe('admitted');
    expect(queue.admit(req('high1', 9), plan, blocked, 9).kind).toBe('admitted');
    expect(queue.size).toBe(10);
  });

  it('lets a high request arriving at a full queue evict the newest low one, then refuses when none is left', () => {
    const queue = new VirtualQueue({ maxQueued: 4, lowPriorityMaxFraction: 1 });
    const lows: QueuedRequest[] = [req('l1', 0, 5000, 'low'), req('l2', 1, 5000, 'low'), req('l3', 2, 5000, 'low')];
    for (const low of lows) queue.admit(low, plan, blocked, low.arrivalMs);
    queue.admit(req('h1', 3), plan, blocked, 3);
    // l1, l3 went to the edge and l2 to the serverless lane: the newest low is found across lanes.
    expect(queue.admit(req('h2', 4), plan, blocked, 4)).toMatchObject({ kind: 'admitted', evicted: [lows[2]] });
    expect(queue.admit(req('h3', 5), plan, blocked, 5)).toMatchObject({ kind: 'admitted', evicted: [lows[1]] });
    expect(queue.admit(req('h4', 6), plan, blocked, 6)).toMatchObject({ kind: 'admitted', evicted: [lows[0]] });
    expect(queue.admit(req('h5', 7), plan, blocked, 7)).toMatchObject({ kind: 'refused', reason: 'queue_full' });
    expect(queue.admit(req('l4', 7, 5000, 'low'), plan, blocked, 7)).toMatchObject({ kind: 'refused', reason: 'queue_full' });
    expect(queue.snapshot().totals).toMatchObject({ admitted: 7, evicted: 3, refused: { queue_full: 2 } });
    expect(queue.snapshot().byPriority).toEqual({ high: 4, low: 0 });
  });

  it('does not evict for a request it refuses for its deadline', () => {
    const queue = new VirtualQueue({ maxQueued: 1, lowPriorityMaxFraction: 1 });
    queue.admit(req('low', 0, 5000, 'low'), plan, blocked, 0);
    expect(queue.admit(req('high', 0, 10), plan, blocked, 0)).toMatchObject({ kind: 'refused', reason: 'deadline_unreachable' });
    expect(queue.has('low')).toBe(true);
  });

  it('rejects malformed requests and duplicates with clear errors', () => {
    const queue = new VirtualQueue();
    queue.admit(req('a', 0), plan, blocked, 0);
    expect(() => queue.admit(req('a', 1), plan, blocked, 1)).toThrow(/already queued/);
    const bad = { ...req('b', 0), deadlineMs: Number.NaN };
    expect(() => queue.admit(bad, plan, blocked, 0)).toThrow(/Expected request b deadlineMs to be a finite number, got null/);
    const badPriority = { ...req('c', 0), priority: 'urgent' } as unknown as QueuedRequest;
    expect(() => queue.admit(badPriority, plan, blocked, 0)).toThrow(EngineError);
    expect(() => queue.next(plan, blocked, Number.NaN)).toThrow(/Expected nowMs to be a finite number/);
  });

  it('rejects a malformed plan or lane status as an internal fault (the scheduler builds both), naming the field', () => {
    const queue = new VirtualQueue();
    const badPlan = makePlan({ edge: { batchSize: 0 } });
    expect(() => queue.admit(req('a', 0), badPlan, blocked, 0)).toThrow('Expected plan.lanes.edge.batchSize to be an integer >= 1, got 0');
    const badLanes = makeLanes({ serverless: { serviceMs: () => Number.NaN } });
    expect(() => queue.admit(req('a', 0), plan, badLanes, 0)).toThrow(/lanes.serverless.serviceMs\(1\) to be a number >= 0/);
    expect(() => queue.admit(req('a', 0), badPlan, blocked, 0)).toThrow(expect.objectContaining({ name: 'EngineError', code: 'internal' }));
  });
});
