/**
 * `ours`: re-plans when the ReplanController (the same code the production scheduler runs) says so: on a
 * detected rate or bandwidth changepoint, or a drift of the segment estimate, never for a plan equal to the
 * current one.
 */
import { ReplanController, type ReplanControllerOptions } from '../../control/index.js';
import { LANE_IDS, type Plan } from '../../types.js';
import type { Observation, PolicyContext, SimPolicy } from '../policy.js';
import { planOrFallback, planRequest } from './planning.js';

export type OursOptions = Omit<ReplanControllerOptions, 'planner'>;

export function oursPolicy(context: PolicyContext, options: OursOptions = {}): SimPolicy {
  let current: Plan | undefined;
  const controller = new ReplanController({
    intervalMs: context.options.intervalMs,
    ...options,
    planner: (request) => {
      const planned = planOrFallback(context.planners.ours, { ...planRequest(context, request.rateRps, request.bandwidthMbps, request.nowMs, request.reason, request.lanesHealthy), ...(request.current ? { current: request.current } : {}) }, current);
      if (!planned) throw new Error('ours: no plan');
      return planned;
    },
  });
  const feed = (observation: Observation) => {
    controller.observeArrivals(observation.arrivals, observation.intervalMs, observation.nowMs);
    for (const lane of LANE_IDS) controller.observeBandwidth(lane, observation.bandwidthMbps[lane], observation.nowMs);
  };
  return {
    name: 'ours',
    start(first: Observation): Plan {
      feed(first);
      const decided = controller.decide(first.nowMs);
      if (!decided) throw new Error('ours: no initial plan');
      current = decided.plan;
      return current;
    },
    observe(observation: Observation): Plan | undefined {
      feed(observation);
      const decided = controller.decide(observation.nowMs);
      if (!decided) return undefined;
      current = decided.plan;
      return current;
    },
    get changepointsMs() {
      return controller.changepoints.map((c) => c.atMs);
    },
  };
}
