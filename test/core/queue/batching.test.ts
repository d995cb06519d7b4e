import { describe, expect, it } from 'vitest';
import { TIME_EPSILON_MS, VirtualQueue } from '../../../shared/core/queue/index.js';
import { ids, makeLanes, makePlan, req } from './fixtures.js';

// Edge only, so every request goes to the edge: S(b) = 8.165 b + 42.34 ms (the prototype's fit).
const edgeOnly = (batchSize: number, timeoutMs: number) =>
  makePlan({ edge: { batchSize, timeoutMs, share: 1 }, serverless: { share: 0 } });

describe('VirtualQueue batch formation', () => {
  it('answers wait Infinity when empty', () => {
    const queue = new VirtualQueue();
    expect(queue.next(edgeOnly(3, 400), makeLanes(), 0)).toEqual({ kind: 'wait', ms: Infinity });
  });

  it('closes a batch as soon as it holds batchSize requests', () => {
    const queue = new VirtualQueue();
    const plan = edgeOnly(3, 400);
    const lanes = makeLanes();
    queue.admit(req('a', 0), plan, lanes, 0);
    expect(queue.next(plan, lanes, 0)).toEqual({ kind: 'wait', ms: 400 });
    queue.admit(req('b', 1), plan, lanes, 1);
    // The timeout counts from the first request's arrival (0), not from b's.
    expect(queue.next(plan, lanes, 1)).toEqual({ kind: 'wait', ms: 399 });
    queue.admit(req('c', 2), plan, lanes, 2);
    expect(queue.next(plan, lanes, 2)).toEqual({ kind: 'dispatch', lane: 'edge', requests: [req('a', 0), req('b', 1), req('c', 2)] });
    expect(queue.size).toBe(0);
  });

  it('closes a partial batch when the wait since its first arrival reaches timeoutMs', () => {
    const queue = new VirtualQueue();
    const plan = edgeOnly(20, 400);
    const lanes = makeLanes();
    queue.admit(req('a', 0), plan, lanes, 0);
    queue.admit(req('b', 100), plan, lanes, 100);
    expect(queue.next(plan, lanes, 399.5)).toEqual({ kind: 'wait', ms: 0.5 });
    const decision = queue.next(plan, lanes, 400);
    expect(decision.kind === 'dispatch' && ids(decision.requests)).toEqual(['a', 'b']);
  });

  it('closes early when waiting longer would make the most urgent request miss its deadline', () => {
    const queue = new VirtualQueue();
    const plan = edgeOnly(20, 400);
    const lanes = makeLanes();
    queue.admit(req('a', 0, 300), plan, lanes, 0);
    // 300 - S(1) = 300 - (8.165 + 42.34) = 249.495
    const first = queue.next(plan, lanes, 0);
    expect(first.kind).toBe('wait');
    expect(first.kind === 'wait' && first.ms).toBeCloseTo(249.495, 9);
    queue.admit(req('b', 10, 5000), plan, lanes, 10);
    // With two requests the batch takes S(2) = 58.67, so it must leave by 300 - 58.67 = 241.33.
    const second = queue.next(plan, lanes, 10);
    expect(second.kind === 'wait' && second.ms).toBeCloseTo(241.33 - 10, 9);
    expect(queue.next(plan, lanes, 241.33).kind).toBe('dispatch');
  });

  it('dispatches high-priority requests first, FIFO within a class', () => {
    const queue = new VirtualQueue();
    const plan = edgeOnly(3, 400);
    const blocked = makeLanes({ edge: { freeSlots: 0 } });
    queue.admit(req('low1', 0, 1000, 'low'), plan, blocked, 0);
    queue.admit(req('low2', 1, 1000, 'low'), plan, blocked, 1);
    queue.admit(req('high1', 2, 1000, 'high'), plan, blocked, 2);
    queue.admit(req('high2', 3, 1000, 'high'), plan, blocked, 3);
    expect(queue.next(plan, blocked, 3).kind).toBe('wait');
    const lanes = makeLanes();
    const batch = queue.next(plan, lanes, 4);
    expect(batch.kind === 'dispatch' && ids(batch.requests)).toEqual(['high1', 'high2', 'low1']);
    // low2 arrived at 1: its timeout (401) is what the next partial batch waits for.
    expect(queue.next(plan, lanes, 4)).toEqual({ kind: 'wait', ms: 397 });
  });

  it('gives no batch to a lane without free slots and wakes for the first deadline that becomes unreachable', () => {
    const queue = new VirtualQueue();
    const plan = edgeOnly(1, 0);
    const blocked = makeLanes({ edge: { freeSlots: 0 } });
    queue.admit(req('a', 0, 1000), plan, blocked, 0);
    const decision = queue.next(plan, blocked, 0);
    // Unreachable once now + S(1) > 1000, i.e. just after 1000 - 50.505 = 949.495.
    expect(decision.kind === 'wait' && decision.ms).toBeCloseTo(949.495 + TIME_EPSILON_MS, 9);
    expect(queue.next(plan, makeLanes(), 5).kind).toBe('dispatch');
  });

  it('applies a new plan from the next decision', () => {
    const queue = new VirtualQueue();
    const lanes = makeLanes();
    const big = edgeOnly(10, 400);
    for (let i = 0; i < 4; i += 1) queue.admit(req(`r${i}`, i), big, lanes, i);
    expect(queue.next(big, lanes, 4).kind).toBe('wait');
    const small = edgeOnly(3, 400);
    const decision = queue.next(small, lanes, 4);
    expect(decision.kind === 'dispatch' && ids(decision.requests)).toEqual(['r0', 'r1', 'r2']);
    // A shorter timeout applies to the request still waiting (arrived at 3): 3 + 50 - 4.
    expect(queue.next(edgeOnly(3, 50), lanes, 4)).toEqual({ kind: 'wait', ms: 49 });
  });

  it('forms batches on both lanes in the same decision round', () => {
    const queue = new VirtualQueue();
    const plan = makePlan({ edge: { batchSize: 2, timeoutMs: 100, share: 0.5 }, serverless: { batchSize: 1, timeoutMs: 100, share: 0.5 } });
    const lanes = makeLanes();
    const lanesOf = ['a', 'b', 'c'].map((id, i) => queue.admit(req(id, i), plan, lanes, i));
    expect(lanesOf.map((o) => o.kind === 'admitted' && o.lane)).toEqual(['edge', 'serverless', 'edge']);
    expect(queue.next(plan, lanes, 3)).toEqual({ kind: 'dispatch', lane: 'edge', requests: [req('a', 0), req('c', 2)] });
    expect(queue.next(plan, lanes, 3)).toEqual({ kind: 'dispatch', lane: 'serverless', requests: [req('b', 1)] });
    expect(queue.next(plan, lanes, 3)).toEqual({ kind: 'wait', ms: Infinity });
  });
});
