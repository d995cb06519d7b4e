/**
 * `ours`: re-plans when the ReplanController (the same code the production scheduler runs) says so: on a
 * detected rate or bandwidth changepoint, or a drift of the segment estimate, never for a plan equal to the
 * current one. `periodic` is the same engine with the same estimates (segment means, the link's recent spread,
 * the peak rate) re-planned on a fixed clock instead, every plan installed: what changepoint detection saves.
 */
import { ReplanController, type ControllerPlanRequest, type ReplanControllerOptions } from '../../control/index.js';
import { LANE_IDS, type Plan } from '../../types.js';
import type { Observation, PolicyContext, SimPolicy } from '../policy.js';
import { planOrFallback, planRequest } from './planning.js';

export type OursOptions = Omit<ReplanControllerOptions, 'planner'>;

export function oursPolicy(context: PolicyContext, options: OursOptions = {}): SimPolicy {
  return controlledPolicy('ours', context, options);
}

/** Ours' estimates, planned every `everyMs` whatever they say (no hysteresis: each plan is a re-plan). */
export function periodicPolicy(context: PolicyContext, everyMs: number, options: OursOptions = {}): SimPolicy {
  return controlledPolicy('periodic', context, options, everyMs);
}

function controlledPolicy(name: string, context: PolicyContext, options: OursOptions, everyMs?: number): SimPolicy {
  let current: Plan | undefined;
  let lastPlanMs = 0;
  const planFor = (request: ControllerPlanRequest) => {
    const base = planRequest(context, request.rateRps, request.bandwidthMbps, request.nowMs, request.reason, request.lanesHealthy);
    const estimates = {
      ...(request.rateHighRps !== undefined ? { rateHighRps: request.rateHighRps } : {}),
      ...(request.linkSpread ? { linkSpread: request.linkSpread } : {}),
      ...(request.current ? { current: request.current } : {}),
    };
    const planned = planOrFallback(context.planners.ours, { ...base, ...estimates }, current);
    if (!planned) throw new Error(`${name}: no plan`);
    return planned;
  };
  const controller = new ReplanController({ intervalMs: context.options.intervalMs, ...options, planner: planFor });
  const feed = (observation: Observation) => {
    controller.observeArrivals(observation.arrivals, observation.intervalMs, observation.nowMs);
    for (const lane of LANE_IDS) controller.observeBandwidth(lane, observation.bandwidthMbps[lane], observation.nowMs);
  };
  const onClock = (nowMs: number): Plan | undefined => {
    if (nowMs - lastPlanMs < everyMs!) return undefined;
    lastPlanMs = nowMs;
    current = planFor(controller.planRequest('periodic', nowMs));
    return current;
  };
  return {
    name,
    hedges: true,
    start(first: Observation): Plan {
      feed(first);
      const decided = controller.decide(first.nowMs);
      if (!decided) throw new Error(`${name}: no initial plan`);
      current = decided.plan;
      return current;
    },
    observe(observation: Observation): Plan | undefined {
      feed(observation);
      if (everyMs !== undefined) return onClock(observation.nowMs);
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
