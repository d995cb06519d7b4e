import { describe, expect, it } from 'vitest';
import { VirtualQueue } from '../../../shared/core/queue/index.js';
import type { LaneId } from '../../../shared/core/types.js';
import { ids, makeLanes, makePlan, req } from './fixtures.js';

function assignLanes(queue: VirtualQueue, shares: Record<LaneId, number>, count: number, lanes = makeLanes()): LaneId[] {
  const plan = makePlan({ edge: { share: shares.edge }, serverless: { share: shares.serverless } });
  const out: LaneId[] = [];
  for (let i = 0; i < count; i += 1) {
    const outcome = queue.admit(req(`r${i}`, i, i + 10_000), plan, lanes, i);
    if (outcome.kind !== 'admitted') throw new Error(`refused: ${outcome.reason}`);
    out.push(outcome.lane);
  }
  return out;
}

describe('VirtualQueue lane assignment', () => {
  it('follows the shares exactly and smoothly (every prefix within one request of its share)', () => {
    for (const edgeShare of [0.25, 0.5, 0.3, 0.9]) {
      const lanes = assignLanes(new VirtualQueue(), { edge: edgeShare, serverless: 1 - edgeShare }, 200);
      let edge = 0;
      lanes.forEach((lane, i) => {
        if (lane === 'edge') edge += 1;
        expect(Math.abs(edge - edgeShare * (i + 1))).toBeLessThan(1);
      });
    }
  });

  it('is deterministic', () => {
    const shares = { edge: 0.37, serverless: 0.63 };
    expect(assignLanes(new VirtualQueue(), shares, 100)).toEqual(assignLanes(new VirtualQueue(), shares, 100));
  });

  it('sees a lane status replaced between two questions at one instant, in the same record or a new one', () => {
    const queue = new VirtualQueue();
    const plan = makePlan({ edge: { share: 1 }, serverless: { share: 0 } });
    const lanes = makeLanes({ edge: { healthy: false }, serverless: { healthy: false } });
    expect(queue.admit(req('a', 0), plan, lanes, 0)).toMatchObject({ kind: 'refused', reason: 'no_lane' });
    lanes.edge = { ...lanes.edge, healthy: true };
    expect(queue.admit(req('b', 0), plan, lanes, 0)).toMatchObject({ kind: 'admitted', lane: 'edge' });
    expect(queue.admit(req('c', 0), plan, { ...lanes, edge: { ...lanes.edge, healthy: false } }, 0)).toMatchObject({ kind: 'refused', reason: 'no_lane' });
    expect(queue.admit(req('d', 0), plan, lanes, 0)).toMatchObject({ kind: 'admitted', lane: 'edge' });
  });

  it('gives nothing to a lane with share 0 or that is unhealthy', () => {
    expect(new Set(assignLanes(new VirtualQueue(), { edge: 1, serverless: 0 }, 50))).toEqual(new Set(['edge']));
    const edgeDown = makeLanes({ edge: { healthy: false } });
    expect(new Set(assignLanes(new VirtualQueue(), { edge: 0.5, serverless: 0.5 }, 50, edgeDown))).toEqual(new Set(['serverless']));
  });

  it('fails over to a healthy lane without a share when every planned lane is down', () => {
    const queue = new VirtualQueue();
    const plan = makePlan({ edge: { share: 1 }, serverless: { share: 0 } });
    queue.admit(req('a', 0), plan, makeLanes(), 0);
    const edgeDown = makeLanes({ edge: { healthy: false } });
    expect(queue.admit(req('b', 1), plan, edgeDown, 1)).toMatchObject({ kind: 'admitted', lane: 'serverless' });
    const dispatched: string[] = [];
    let now = 1;
    for (let step = 0; step < 10 && dispatched.length < 2; step++) {
      const decision = queue.next(plan, edgeDown, now);
      if (decision.kind === 'wait') now += decision.ms;
      else {
        expect(decision).toMatchObject({ kind: 'dispatch', lane: 'serverless' });
        if (decision.kind === 'dispatch') dispatched.push(...decision.requests.map((r) => r.id));
      }
    }
    expect(dispatched.sort()).toEqual(['a', 'b']); // 'a' moved over from the edge too
  });

  it('refuses with no_lane when no lane is healthy at all, and rejects the queued ones at the next decision', () => {
    const queue = new VirtualQueue({ noLaneRetryAfterMs: 2500 });
    const plan = makePlan({ edge: { share: 1 }, serverless: { share: 0 } });
    queue.admit(req('a', 0), plan, makeLanes(), 0);
    queue.admit(req('b', 1), plan, makeLanes(), 1);
    const down = makeLanes({ edge: { healthy: false }, serverless: { healthy: false } });
    expect(queue.admit(req('c', 2), plan, down, 2)).toEqual({ kind: 'refused', reason: 'no_lane', retryAfterMs: 2500 });
    expect(queue.next(plan, down, 2)).toEqual({ kind: 'reject', reason: 'no_lane', requests: [req('a', 0), req('b', 1)] });
    expect(queue.size).toBe(0);
  });

  it('moves requests of a lane that turns unhealthy to the other, keeping their arrival time', () => {
    const queue = new VirtualQueue();
    const plan = makePlan({ edge: { batchSize: 10, timeoutMs: 100, share: 0.5 }, serverless: { batchSize: 10, timeoutMs: 400, share: 0.5 } });
    const lanes = makeLanes();
    queue.admit(req('a', 0), plan, lanes, 0); // edge
    queue.admit(req('b', 0), plan, lanes, 0); // serverless
    queue.admit(req('c', 50), plan, lanes, 50); // edge
    expect(queue.depth('serverless')).toBe(1);
    // At 150 the edge batch (a, c) is overdue; the serverless one (b) is not (timeout 400).
    const serverlessDown = makeLanes({ serverless: { healthy: false } });
    const decision = queue.next(plan, serverlessDown, 150);
    // b joined the edge queue in arrival order, and the edge timeout counts from a's arrival.
    expect(decision.kind === 'dispatch' && decision.lane).toBe('edge');
    expect(decision.kind === 'dispatch' && ids(decision.requests)).toEqual(['a', 'b', 'c']);
  });

  it('moves requests of a lane whose share drops to 0 in a new plan', () => {
    const queue = new VirtualQueue();
    const lanes = makeLanes();
    const even = makePlan({ edge: { timeoutMs: 400, share: 0.5 }, serverless: { timeoutMs: 400, share: 0.5 } });
    queue.admit(req('a', 0), even, lanes, 0);
    queue.admit(req('b', 0), even, lanes, 0);
    expect([queue.depth('edge'), queue.depth('serverless')]).toEqual([1, 1]);
    const edgeOnly = makePlan({ edge: { timeoutMs: 400, share: 1 }, serverless: { share: 0 } });
    expect(queue.next(edgeOnly, lanes, 10)).toEqual({ kind: 'wait', ms: 390 });
    expect([queue.depth('edge'), queue.depth('serverless')]).toEqual([2, 0]);
  });
});
