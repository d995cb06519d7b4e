/** Helpers the planning policies share: building plan requests, and what to do when no plan meets the SLO. */
import { EngineError } from '../../errors.js';
import type { LaneId, Plan, PlanReason } from '../../types.js';
export { samePlan } from '../../control/same-plan.js';
import type { PlanFunction, PlanRequest, PolicyContext } from '../policy.js';

/** A planner call with the simulation's constants filled in. */
export function planRequest(context: PolicyContext, rateRps: number, bandwidthMbps: Readonly<Record<LaneId, number>>, nowMs: number, reason: PlanReason, lanes?: Readonly<Record<LaneId, boolean>>): PlanRequest {
  return {
    // A zero rate plans for a trickle: the planner needs a rate > 0 to size waits.
    rateRps: Math.max(rateRps, 0.1),
    bandwidthMbps: { edge: Math.max(bandwidthMbps.edge, 1e-3), serverless: Math.max(bandwidthMbps.serverless, 1e-3) },
    rttMs: context.options.assumedRttMs,
    payloadBytes: context.options.payloadBytes,
    sloMs: context.sloMs,
    sloTarget: context.sloTarget,
    profiles: context.profiles,
    nowMs,
    reason,
    ...(lanes ? { lanes } : {}),
  };
}

/**
 * Plans, keeping `current` when the planner refuses. Ours never refuses (it plans best effort when the SLO
 * cannot be met, as production does); the prototype's planner keeps its defaults.
 */
export function planOrFallback(planner: PlanFunction, request: PlanRequest, current: Plan | undefined): Plan | undefined {
  try {
    return planner(request);
  } catch (error) {
    if (error instanceof EngineError) return current;
    throw error;
  }
}
