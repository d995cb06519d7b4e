/**
 * What to plan when no plan meets the SLO at the observed rate (the lanes together cannot carry it in time).
 *
 * Planning for a looser SLO would let every request queue for that long, so that almost none meets the real
 * SLO. Instead keep the real SLO and step down:
 * 1. a lower quantile: the SLO for p90 instead of p99 (waits and service), then for the median (median waits,
 *    mean service): most requests still make it, where the p99 could not be promised;
 * 2. the largest arrival rate that can meet the p99 target: the lanes run at the capacity that still answers in
 *    time, and the queue refuses the excess promptly (its deadline rule);
 * 3. only when no rate at all can meet the SLO (a lane's own latency exceeds it), the smallest SLO that can be met.
 * Every plan records the observed rate, so the re-plan controller judges drift against what really arrives.
 */
import type { Plan } from '../types.js';
import type { PlannerInput } from './input.js';
import { minFeasibleSloMs, tryPlan } from './plan.js';

/** Bisection steps on the rate: 2^-12 of the observed rate is finer than any count noise. */
const RATE_STEPS = 12;

/** The largest rate (req/s, <= input.rateRps) with a feasible plan, and that plan; undefined when none. */
export function maxFeasibleRate(input: PlannerInput): { rateRps: number; plan: Plan } | undefined {
  let best: { rateRps: number; plan: Plan } | undefined;
  let lo = 0;
  let hi = input.rateRps;
  for (let step = 0; step < RATE_STEPS; step++) {
    const mid = (lo + hi) / 2;
    const found = tryPlan({ ...input, rateRps: mid });
    if (found) {
      best = { rateRps: mid, plan: found };
      lo = mid;
    } else hi = mid;
  }
  return best;
}

/**
 * A plan made for `cappedRps` applied to the observed rate: the serverless lane keeps the absolute rate it was
 * planned for (more would back up its link and its transfers would queue for seconds), and the excess goes to
 * the edge when the plan uses it, where it waits for the one batch slot and the queue refuses what cannot make
 * its deadline.
 */
function overflowToEdge(plan: Plan, cappedRps: number, input: PlannerInput): Plan {
  const usesEdge = plan.lanes.edge.share > 0 && input.bounds.edgeHealthy;
  if (!usesEdge || input.rateRps <= 0) return { ...plan, rateRps: input.rateRps };
  const serverlessShare = (plan.lanes.serverless.share * cappedRps) / input.rateRps;
  return {
    ...plan,
    rateRps: input.rateRps,
    lanes: { edge: { ...plan.lanes.edge, share: 1 - serverlessShare }, serverless: { ...plan.lanes.serverless, share: serverlessShare } },
  };
}

/** The input planned for p90, then for the median (median waits, mean service). */
function lowerQuantiles(input: PlannerInput): PlannerInput[] {
  const p90 = { ...input, bounds: { ...input.bounds, tailQuantile: Math.min(0.9, input.bounds.tailQuantile) } };
  const median = {
    ...input,
    bounds: { ...input.bounds, tailQuantile: 0.5 + 1e-9 },
    profiles: {
      ...input.profiles,
      edge: { ...input.profiles.edge, p99: input.profiles.edge.mean },
      serverless: input.profiles.serverless.map((option) => ({ ...option, latency: { ...option.latency, p99: option.latency.mean } })),
    },
  };
  return [p90, median];
}

/** The cost-optimal plan when one exists; else the best-effort plan described above. */
export function planBestEffort(input: PlannerInput): Plan {
  const exact = tryPlan(input);
  if (exact) return exact;
  for (const relaxed of lowerQuantiles(input)) {
    const found = tryPlan(relaxed);
    if (found) return found;
  }
  const capped = maxFeasibleRate(input);
  if (capped) return overflowToEdge(capped.plan, capped.rateRps, input);
  const smallestSlo = minFeasibleSloMs(input);
  if (Number.isFinite(smallestSlo)) return { ...tryPlan({ ...input, sloMs: smallestSlo })!, sloMs: input.sloMs };
  // No lane can carry anything (both down): plan as if both were up, so traffic flows the moment one recovers.
  const anyLane = { ...input, bounds: { ...input.bounds, edgeHealthy: true, serverlessHealthy: true } };
  return tryPlan(anyLane) ?? tryPlan({ ...anyLane, rateRps: 0, sloMs: Math.max(input.sloMs, 60_000) })!;
}
