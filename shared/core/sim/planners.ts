/** The real planners (the cost-optimal `plan` with its best-effort fallback, and the prototype's) adapted to the simulator's plan requests. */
import { DEFAULT_BOUNDS, planBestEffort, planSeed, type PlannerBounds, type PlannerInput } from '../planner/index.js';
import type { PriceTable } from '../pricing/index.js';
import type { PlanFunction, PlanRequest, Planners } from './policy.js';

export function plannerInput(request: PlanRequest, prices: PriceTable, bounds: PlannerBounds): PlannerInput {
  return {
    rateRps: request.rateRps,
    bandwidthMbps: request.bandwidthMbps,
    rttMs: request.rttMs,
    payloadBytes: request.payloadBytes,
    sloMs: request.sloMs,
    sloTarget: request.sloTarget,
    ...(request.rateHighRps !== undefined ? { rateHighRps: request.rateHighRps } : {}),
    ...(request.linkSpread ? { linkSpread: request.linkSpread } : {}),
    profiles: request.profiles,
    prices,
    bounds: request.lanes ? { ...bounds, edgeHealthy: request.lanes.edge, serverlessHealthy: request.lanes.serverless } : bounds,
    nowMs: request.nowMs,
    reason: request.reason,
  };
}

/** Ours (cost-optimal, best effort when the SLO cannot be met: the production planner) and the prototype's. */
export function defaultPlanners(prices: PriceTable, bounds: Partial<PlannerBounds> = {}): Planners {
  const resolved: PlannerBounds = { ...DEFAULT_BOUNDS, ...bounds };
  const wrap = (planner: (input: PlannerInput) => ReturnType<PlanFunction>): PlanFunction => (request) => planner(plannerInput(request, prices, resolved));
  return { ours: (request) => planBestEffort(plannerInput(request, prices, resolved), request.current), seed: wrap(planSeed) };
}
