import type { Plan, ProfileSet } from '../types.js';
import { latencyAt } from './lane-model.js';

/**
 * The throughput a plan's lanes can sustain (req/s): for each lane it routes traffic to, full batches back to
 * back at their mean service time: edge b / l_e(b); serverless maxInstances x b / l_s(b) for its
 * configuration. A plan for a higher rate should never have less of it.
 */
export function planCapacityRps(plan: Plan, profiles: ProfileSet, maxInstances: number): number {
  let capacity = 0;
  const edge = plan.lanes.edge;
  if (edge.share > 0) capacity += (1000 * edge.batchSize) / latencyAt(profiles.edge.mean, edge.batchSize);
  const serverless = plan.lanes.serverless;
  const option = profiles.serverless.find((o) => o.config.memoryMb === plan.serverless.memoryMb);
  if (serverless.share > 0 && option) capacity += (maxInstances * 1000 * serverless.batchSize) / latencyAt(option.latency.mean, serverless.batchSize);
  return capacity;
}
