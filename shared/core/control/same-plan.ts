import type { LaneId, Plan } from '../types.js';

/**
 * Two plans that would batch alike: same batch sizes and serverless configuration, shares within 2 points, and
 * timeouts within 10% (or 5 ms). Re-planning to such a plan changes nothing that matters but costs a store write
 * (and, in production, every instance a log line); the planner's continuous outputs (shares, timeouts) move a
 * little with every new estimate, so exact equality would re-plan for nothing.
 */
export function samePlan(a: Plan, b: Plan): boolean {
  const lane = (id: LaneId) => {
    const x = a.lanes[id];
    const y = b.lanes[id];
    const timeoutClose = Math.abs(x.timeoutMs - y.timeoutMs) <= Math.max(5, 0.1 * Math.max(x.timeoutMs, y.timeoutMs));
    return x.batchSize === y.batchSize && timeoutClose && Math.abs(x.share - y.share) <= 0.02;
  };
  return lane('edge') && lane('serverless') && a.serverless.memoryMb === b.serverless.memoryMb && a.serverless.cpu === b.serverless.cpu;
}
