/**
 * Our planner: the cheapest plan predicted to answer the SLO's target fraction of requests within its latency
 * (goodput.ts searches, attainment.ts predicts), or, when none is, the plan answering the most requests in time.
 */
import type { Plan } from '../types.js';
import { goodputPlan, searchGoodput } from './goodput.js';
import { InfeasibleSloError, validatePlannerInput, type PlannerInput } from './input.js';
import { oursPlan, UNUSED_LANE } from './plan-record.js';

export { oursPlan, UNUSED_LANE } from './plan-record.js';

/** The plan the search finds: it reaches the target when any plan does (else best effort). */
export function planForTarget(input: PlannerInput): Plan {
  validatePlannerInput(input);
  return searchPlan(input);
}

/** The cheapest plan that reaches the target; throws InfeasibleSloError (naming the smallest latency that can) when none does. */
export function plan(input: PlannerInput): Plan {
  const found = planForTarget(input);
  if (found.predicted.attainment < input.sloTarget) throw new InfeasibleSloError(input.sloMs, input.sloTarget, minFeasibleSloMs(input), found.predicted.attainment);
  return found;
}

/** The plan that reaches the target, or undefined when none does. */
export function tryPlan(input: PlannerInput): Plan | undefined {
  const found = planForTarget(input);
  return found.predicted.attainment >= input.sloTarget ? found : undefined;
}

function searchPlan(input: PlannerInput): Plan {
  const found = searchGoodput(input);
  if (found) return goodputPlan(input, found);
  // Nothing to carry (rate 0) or no healthy lane: keep a lane ready with batch 1, the first request goes straight out.
  const edgeFirst = input.bounds.edgeHealthy || !input.bounds.serverlessHealthy;
  const open = { batchSize: 1, timeoutMs: 0, share: 1 };
  const lanes = edgeFirst ? { edge: open, serverless: UNUSED_LANE } : { edge: UNUSED_LANE, serverless: open };
  const option = input.profiles.serverless[0];
  const healthy = input.bounds.edgeHealthy || input.bounds.serverlessHealthy;
  return oursPlan(input, lanes, option?.config ?? { memoryMb: 1024, cpu: 0.5 }, 0, {
    p99LatencyMs: { edge: 0, serverless: 0 },
    costPerMillionUsd: 0,
    edgeUtilisation: 0,
    attainment: input.rateRps > 0 || !healthy ? 0 : 1,
  });
}

/**
 * The smallest latency (ms, to 1 ms) at which a plan reaches the target, by doubling then bisection (a longer
 * latency never predicts fewer requests within it). Infinity when even an hour is not enough.
 */
export function minFeasibleSloMs(input: PlannerInput): number {
  const feasible = (sloMs: number) => searchPlan({ ...input, sloMs }).predicted.attainment >= input.sloTarget;
  let lo = input.sloMs;
  let hi = Math.max(1, input.sloMs) * 2;
  while (!feasible(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 3_600_000) return Infinity;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) / 2;
    if (feasible(mid)) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi);
}
