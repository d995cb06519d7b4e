import { describe, expect, it } from 'vitest';
import { TIME_EPSILON_MS, VirtualQueue } from '../../../shared/core/queue/index.js';
import { ids, makeLanes, makePlan, PROTOTYPE_EDGE_MS, PROTOTYPE_FC_1024_MS, req } from './fixtures.js';

const edgeOnly = makePlan({ edge: { batchSize: 5, timeoutMs: 400, share: 1 }, serverless: { share: 0 } });
const EDGE_1 = 8.165 + 42.34; // S_edge(1), from the prototype's fit
const FC_1 = 141 - 8.806e-3 * 1024 + 225; // S_fc(1) at 1024 MB

describe('VirtualQueue deadlines', () => {
  it('refuses at admission a request that no lane can serve in time, and admits one exactly on time', () => {
    const queue = new VirtualQueue();
    const lanes = makeLanes();
    expect(queue.admit(req('late', 0, EDGE_1 - 0.01), edgeOnly, lanes, 0)).toEqual({ kind: 'refused', reason: 'deadline_unreachable', retryAfterMs: 0 });
    expect(queue.admit(req('tight', 0, EDGE_1), edgeOnly, lanes, 0).kind).toBe('admitted');
  });

  it('judges reachability on the expected service time when the lane gives one, not on its p99', () => {
    const queue = new VirtualQueue();
    // p99 of a single request 300 ms, expected 100 ms: a request with 200 ms left can still make it.
    const lanes = makeLanes({ edge: { serviceMs: (b: number) => 300 * b, expectedServiceMs: 100 } });
    expect(queue.admit(req('likely', 0, 200), edgeOnly, lanes, 0).kind).toBe('admitted');
    expect(queue.admit(req('hopeless', 0, 99), edgeOnly, lanes, 0)).toMatchObject({ kind: 'refused', reason: 'deadline_unreachable' });
  });

  it('rejects a waiting request at the decision where its deadline becomes unreachable, not when a lane frees', () => {
    const queue = new VirtualQueue();
    const blocked = makeLanes({ edge: { freeSlots: 0 } });
    queue.admit(req('a', 0, 1000), edgeOnly, blocked, 0);
    queue.admit(req('b', 10, 2000), edgeOnly, blocked, 10);
    const wait = queue.next(edgeOnly, blocked, 10);
    const unreachableAt = 1000 - EDGE_1;
    expect(wait.kind === 'wait' && 10 + wait.ms).toBeCloseTo(unreachableAt + TIME_EPSILON_MS, 9);
    // Exactly at the limit it can still be met: keep it.
    expect(queue.next(edgeOnly, blocked, unreachableAt).kind).toBe('wait');
    const reject = queue.next(edgeOnly, blocked, unreachableAt + TIME_EPSILON_MS);
    expect(reject).toEqual({ kind: 'reject', reason: 'deadline_unreachable', requests: [req('a', 0, 1000)] });
    expect(queue.size).toBe(1);
  });

  it('never dispatches a request once its deadline is unreachable, even when a slot frees then', () => {
    const queue = new VirtualQueue();
    const blocked = makeLanes({ edge: { freeSlots: 0 } });
    queue.admit(req('a', 0, 1000), edgeOnly, blocked, 0);
    queue.admit(req('b', 5, 3000), edgeOnly, blocked, 5);
    // The caller missed the wake-up; the slot frees at 990.
    const first = queue.next(edgeOnly, makeLanes(), 990);
    expect(first.kind === 'reject' && ids(first.requests)).toEqual(['a']);
    const second = queue.next(edgeOnly, makeLanes(), 990);
    expect(second.kind === 'dispatch' && ids(second.requests)).toEqual(['b']);
  });

  it('moves a request whose own lane can no longer make its deadline to a lane that can', () => {
    const queue = new VirtualQueue();
    const plan = makePlan({ edge: { batchSize: 20, timeoutMs: 900, share: 0.5 }, serverless: { batchSize: 2, timeoutMs: 900, share: 0.5 } });
    const lanes = makeLanes({ serverless: { freeSlots: 0 } });
    expect(queue.admit(req('a', 0), plan, lanes, 0)).toMatchObject({ lane: 'edge' });
    expect(queue.admit(req('b', 0), plan, lanes, 0)).toMatchObject({ lane: 'serverless' });
    const wait = queue.next(plan, lanes, 0);
    // b can leave serverless until 1000 - S_fc(1); just after that it moves to the edge.
    const moveAt = 1000 - FC_1 + TIME_EPSILON_MS;
    expect(wait.kind === 'wait' && wait.ms).toBeCloseTo(moveAt, 9);
    const after = queue.next(plan, lanes, moveAt);
    expect(queue.depth('edge')).toBe(2);
    expect(queue.depth('serverless')).toBe(0);
    // The edge batch of two now closes at its timeout from a's arrival (900), before 1000 - S_edge(2).
    expect(after.kind === 'wait' && moveAt + after.ms).toBeCloseTo(900, 9);
  });

  it('assigns a tight request only to a lane that can make it, whatever the round-robin says', () => {
    const queue = new VirtualQueue();
    const plan = makePlan({ edge: { share: 0.1 }, serverless: { share: 0.9 } });
    const lanes = makeLanes();
    const outcome = queue.admit(req('tight', 0, 100), plan, lanes, 0);
    expect(outcome).toMatchObject({ kind: 'admitted', lane: 'edge' });
    expect(PROTOTYPE_FC_1024_MS(1)).toBeGreaterThan(100);
    expect(PROTOTYPE_EDGE_MS(1)).toBeLessThan(100);
  });
});
