import type { LaneId, Plan } from '../types.js';

/** Same batch sizes, serverless configuration and warm pool, and timeouts within 10% (or 5 ms): the plans batch alike. */
export function sameBatching(a: Plan, b: Plan): boolean {
  const lane = (id: LaneId) => {
    const x = a.lanes[id];
    const y = b.lanes[id];
    return x.batchSize === y.batchSize && Math.abs(x.timeoutMs - y.timeoutMs) <= Math.max(5, 0.1 * Math.max(x.timeoutMs, y.timeoutMs));
  };
  return lane('edge') && lane('serverless') && a.serverless.memoryMb === b.serverless.memoryMb && a.serverless.cpu === b.serverless.cpu && a.warmInstances === b.warmInstances;
}

/**
 * Two plans that would batch alike, with shares within 2 points. Re-planning to such a plan changes nothing that
 * matters but costs a store write (and, in production, every instance a log line); the planner's continuous
 * outputs (shares, timeouts) move a little with every new estimate, so exact equality would re-plan for nothing.
 */
export function samePlan(a: Plan, b: Plan): boolean {
  return sameBatching(a, b) && Math.abs(a.lanes.edge.share - b.lanes.edge.share) <= 0.02 && Math.abs(a.lanes.serverless.share - b.lanes.serverless.share) <= 0.02;
}
