import type { LaneId, Plan } from '../types.js';

/**
 * Two plans that would batch identically: same batch sizes, timeouts within 1 ms, shares within 1 point, same
 * serverless configuration. Re-planning to such a plan changes nothing but costs a store write.
 */
export function samePlan(a: Plan, b: Plan): boolean {
  const lane = (id: LaneId) => {
    const x = a.lanes[id];
    const y = b.lanes[id];
    return x.batchSize === y.batchSize && Math.abs(x.timeoutMs - y.timeoutMs) < 1 && Math.abs(x.share - y.share) < 0.01;
  };
  return lane('edge') && lane('serverless') && a.serverless.memoryMb === b.serverless.memoryMb && a.serverless.cpu === b.serverless.cpu;
}
