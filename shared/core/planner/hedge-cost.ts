import { serverlessCallCostUsd } from '../pricing/cost.js';
import type { ServerlessOption } from '../types.js';
import { serverlessTailMs, shareWithin, type LaneAttainment } from './attainment.js';
import type { PlannerInput } from './input.js';
import { latencyAt } from './lane-model.js';

/**
 * What hedged dispatch adds per request sent to the edge, at most: the share of them still unanswered when only
 * FC's tail for one request is left of their deadline, times a warm FC call of one request. The queue hedges only
 * those of them predicted late (queue/hedge.ts), so this is an upper bound; counting only the late ones instead
 * makes the edge look cheap enough to take more than the model can judge where no plan reaches the target. A hedge the other way costs nothing more: the edge is paid by the hour. Without this an
 * edge plan whose answers come just past that instant looks free while it pays for a second call per request.
 */
export function edgeHedgeUsdPerRequest(input: PlannerInput, edge: LaneAttainment, option: ServerlessOption | undefined): number {
  if (!option || !input.bounds.serverlessHealthy || !(edge.shape.served > 0)) return 0;
  const hedgeAfterMs = input.sloMs - serverlessTailMs(input, option, 1);
  const unanswered = Math.max(0, 1 - shareWithin(edge.shape, hedgeAfterMs) / edge.shape.served);
  return unanswered * serverlessCallCostUsd(input.prices, option.config, latencyAt(option.latency.mean, 1));
}
