import type { LanePlan, Plan, PlanPrediction, ServerlessConfig } from '../types.js';
import type { PlannerInput } from './input.js';

/** The rules of a lane a plan gives no traffic. */
export const UNUSED_LANE: LanePlan = { batchSize: 1, timeoutMs: 0, share: 0 };

/** A plan of our planner made at these inputs. */
export function oursPlan(input: PlannerInput, lanes: Plan['lanes'], serverless: ServerlessConfig, warmInstances: number, predicted: PlanPrediction): Plan {
  return {
    policy: 'ours',
    createdAtMs: input.nowMs,
    reason: input.reason,
    rateRps: input.rateRps,
    bandwidthMbps: { ...input.bandwidthMbps },
    sloMs: input.sloMs,
    sloTarget: input.sloTarget,
    lanes,
    serverless,
    warmInstances,
    predicted,
  };
}
