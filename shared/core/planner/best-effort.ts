/**
 * What to plan when no plan meets the SLO at the observed rate (the lanes together cannot carry it in time).
 *
 * Planning for a looser SLO would let every request queue for that long, so that almost none meets the real
 * SLO. Instead keep the real SLO and plan for the largest arrival rate that can meet it: the lanes then run at
 * the capacity that still answers in time, and the queue refuses the excess promptly (its deadline rule), so the
 * requests that are admitted still meet the SLO. The plan records the observed rate, so the re-plan controller
 * judges drift against what really arrives. Only when no rate at all can meet the SLO (a lane's own latency
 * exceeds it) does it fall back to the smallest SLO that can be met.
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

/** The cost-optimal plan when one exists; else the best-effort plan described above. */
export function planBestEffort(input: PlannerInput): Plan {
  const exact = tryPlan(input);
  if (exact) return exact;
  const capped = maxFeasibleRate(input);
  if (capped) return { ...capped.plan, rateRps: input.rateRps };
  const smallestSlo = minFeasibleSloMs(input);
  if (Number.isFinite(smallestSlo)) return { ...tryPlan({ ...input, sloMs: smallestSlo })!, sloMs: input.sloMs };
  // No lane can carry anything (both down): plan as if both were up, so traffic flows the moment one recovers.
  const anyLane = { ...input, bounds: { ...input.bounds, edgeHealthy: true, serverlessHealthy: true } };
  return tryPlan(anyLane) ?? tryPlan({ ...anyLane, rateRps: 0, sloMs: Math.max(input.sloMs, 60_000) })!;
}
