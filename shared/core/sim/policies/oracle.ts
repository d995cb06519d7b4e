/**
 * `oracle`: plans at the start of every second with that second's TRUE arrival rate and mean bandwidth from the
 * traces (hindsight no online policy has): the bound for online policies. It uses our planner with the plan in
 * force (kept while about as good, as ours does), re-planning only when the plan would change.
 */
import type { Plan } from '../../types.js';
import type { Observation, PolicyContext, SimPolicy } from '../policy.js';
import { planOrFallback, planRequest, samePlan } from './planning.js';

export function oraclePolicy(context: PolicyContext): SimPolicy {
  const { ratePerSecond, bandwidthPerSecond } = context.truth;
  let current: Plan | undefined;
  let lastInputs = '';
  const planFor = (second: number, nowMs: number) => {
    const k = Math.min(second, ratePerSecond.length - 1);
    const bandwidth = { edge: bandwidthPerSecond.edge[k] ?? 0, serverless: bandwidthPerSecond.serverless[k] ?? 0 };
    // The same truth as last second plans the same: skip the planner (idle stretches of a trace, constant links).
    const inputs = `${ratePerSecond[k]}/${bandwidth.edge}/${bandwidth.serverless}`;
    if (inputs === lastInputs) return current;
    lastInputs = inputs;
    const request = planRequest(context, ratePerSecond[k] ?? 0, bandwidth, nowMs, current ? 'rate-change' : 'initial');
    return planOrFallback(context.planners.ours, current ? { ...request, current } : request, current);
  };
  return {
    name: 'oracle',
    start(): Plan {
      current = planFor(0, 0);
      if (!current) throw new Error('oracle: no initial plan');
      return current;
    },
    observe(observation: Observation): Plan | undefined {
      const next = planFor(Math.round(observation.nowMs / 1000), observation.nowMs);
      if (!next || !current || samePlan(next, current)) return undefined;
      current = next;
      return next;
    },
  };
}
