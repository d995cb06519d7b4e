/**
 * The production planner: planForTarget (the cheapest plan predicted to reach the SLO's target, else the one
 * answering the most requests in time), with hysteresis. Given the plan in force, it keeps that plan unless the
 * new one is predicted to do clearly better: re-planning costs a store write and, for a memory switch, cold starts.
 * A kept plan must still reach the target when the new one does, and then cost at most KEEP_COST more; when no
 * plan reaches it, it may answer up to KEEP_ATTAINMENT fewer in time (KEEP_ATTAINMENT_SPLIT_ONLY when only the
 * split moves) at that cost.
 */
import { sameBatching } from '../control/same-plan.js';
import type { Plan } from '../types.js';
import { evaluatePlan } from './goodput.js';
import type { PlannerInput } from './input.js';
import { planForTarget } from './plan.js';

/** A kept plan may be predicted to answer this much less of the traffic in time (1 point)... */
const KEEP_ATTAINMENT = 0.01;
/** ...and to cost this much more per request (5 %). */
const KEEP_COST = 0.05;
/**
 * When the new plan only moves the split between two lanes both plans keep open, 3 points: the queue already
 * places a request on the lane likely to answer it in time whatever the shares say, which the attainment model
 * does not credit. Opening or closing a lane, or changing the batching, still needs only KEEP_ATTAINMENT:
 * placement cannot use a lane the plan keeps closed.
 */
const KEEP_ATTAINMENT_SPLIT_ONLY = 0.03;

/** The plan for these inputs; `current` is kept when it is about as good. */
export function planBestEffort(input: PlannerInput, current?: Plan): Plan {
  const next = planOrAnyLane(input);
  if (current && worthKeeping(input, current, next)) {
    return { ...current, rateRps: input.rateRps, bandwidthMbps: { ...input.bandwidthMbps } };
  }
  return next;
}

/** With no healthy lane, plan as if both were up, so traffic flows the moment one recovers. */
function planOrAnyLane(input: PlannerInput): Plan {
  const { edgeHealthy, serverlessHealthy } = input.bounds;
  if (edgeHealthy || serverlessHealthy) return planForTarget(input);
  return planForTarget({ ...input, bounds: { ...input.bounds, edgeHealthy: true, serverlessHealthy: true } });
}

function worthKeeping(input: PlannerInput, current: Plan, next: Plan): boolean {
  const { edge, serverless } = current.lanes;
  if ((edge.share > 0 && !input.bounds.edgeHealthy) || (serverless.share > 0 && !input.bounds.serverlessHealthy)) return false;
  if (current.sloMs !== input.sloMs || current.sloTarget !== input.sloTarget) return false;
  const kept = evaluatePlan(input, current);
  const fresh = evaluatePlan(input, next);
  const affordable = kept.costPerRequestUsd <= fresh.costPerRequestUsd * (1 + KEEP_COST) + 1e-15;
  if (fresh.attainment >= input.sloTarget) return kept.attainment >= input.sloTarget && affordable;
  const tolerance = splitOnly(current, next) ? KEEP_ATTAINMENT_SPLIT_ONLY : KEEP_ATTAINMENT;
  return kept.attainment >= fresh.attainment - tolerance && affordable;
}

/** The plans batch alike and both keep both lanes open: only the split differs. */
function splitOnly(current: Plan, next: Plan): boolean {
  const bothOpen = (plan: Plan) => plan.lanes.edge.share > 0 && plan.lanes.serverless.share > 0;
  return bothOpen(current) && bothOpen(next) && sameBatching(current, next);
}
