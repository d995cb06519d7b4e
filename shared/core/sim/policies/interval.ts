/**
 * Baselines that re-plan on a fixed clock: `seed` (the prototype: planSeed
 * every 5 s), `edge-only` and `serverless-only` (our planner with one lane closed, every 5 s) and `batch`
 * (BATCH, SC'20: hourly). Each plans with R = the mean arrival rate since its last plan and B = the latest
 * bandwidth sample, which is what the prototype did (its alg.py re-planned on a timer with those two inputs).
 */
import type { LaneId, Plan, PlanReason } from '../../types.js';
import type { Observation, PlanFunction, PolicyContext, SimPolicy } from '../policy.js';
import { planOrFallback, planRequest } from './planning.js';

export interface IntervalPolicyOptions {
  readonly name: string;
  readonly planner: PlanFunction;
  readonly everyMs: number;
  readonly reason: PlanReason;
  readonly lanes?: Readonly<Record<LaneId, boolean>>;
  /** Re-plan once early, at this instant, with what was seen so far (BATCH's warm-up fit). */
  readonly warmUpMs?: number;
}

export function intervalPolicy(context: PolicyContext, options: IntervalPolicyOptions): SimPolicy {
  let current: Plan | undefined;
  let arrivalsSince = 0;
  let sinceMs = 0;
  let lastPlanMs = 0;
  let warmedUp = options.warmUpMs === undefined;
  const make = (rate: number, bandwidth: Readonly<Record<LaneId, number>>, nowMs: number, reason: PlanReason) =>
    planOrFallback(options.planner, planRequest(context, rate, bandwidth, nowMs, reason, options.lanes), current);
  return {
    name: options.name,
    start(first: Observation): Plan {
      arrivalsSince = first.arrivals;
      current = make(first.arrivals / (first.intervalMs / 1000), first.bandwidthMbps, 0, 'initial');
      if (!current) throw new Error(`${options.name}: no initial plan`);
      return current;
    },
    observe(observation: Observation): Plan | undefined {
      arrivalsSince += observation.arrivals;
      const due = observation.nowMs - lastPlanMs >= options.everyMs || (!warmedUp && observation.nowMs >= options.warmUpMs!);
      if (!due) return undefined;
      warmedUp = true;
      const elapsedS = (observation.nowMs - sinceMs) / 1000;
      const next = make(arrivalsSince / elapsedS, observation.bandwidthMbps, observation.nowMs, options.reason);
      arrivalsSince = 0;
      sinceMs = observation.nowMs;
      lastPlanMs = observation.nowMs;
      if (!next || next === current) return undefined;
      current = next;
      return next;
    },
  };
}
