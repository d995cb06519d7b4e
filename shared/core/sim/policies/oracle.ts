/**
 * `oracle`: our planner fed with hindsight no online policy has, from the traces themselves. Every few seconds it
 * plans for the true future: the mean arrival rate of the next stretch, the busiest ten seconds of the next
 * keep-alive window (its warm pool is sized on what is coming, not on what was), and each link's true median and
 * spread over the next stretch. It keeps the plan in force while it is about as good, as ours does. The bound
 * what ours could reach with perfect estimates: the same queue, lanes and hedging, only the knowledge differs.
 */
import { linkSpread, peakRate } from '../../control/recent-spread.js';
import { LANE_IDS, type LaneId, type Plan } from '../../types.js';
import type { Observation, PolicyContext, SimPolicy } from '../policy.js';
import { planOrFallback, planRequest, samePlan } from './planning.js';

/** How often the oracle looks ahead, and how far for the rate and the links (s). */
const EVERY_S = 5;
const AHEAD_S = 30;

export function oraclePolicy(context: PolicyContext): SimPolicy {
  const { ratePerSecond, bandwidthPerSecond } = context.truth;
  const seconds = ratePerSecond.length;
  const poolAheadS = Math.max(AHEAD_S, Math.round(context.options.keepAliveMs / 1000));
  let current: Plan | undefined;
  const ones = new Float64Array(seconds).fill(1);
  const planFor = (second: number, nowMs: number) => {
    const from = Math.min(second, seconds - 1);
    const to = Math.min(seconds, from + AHEAD_S);
    let arrivals = 0;
    for (let k = from; k < to; k += 1) arrivals += ratePerSecond[k]!;
    const rate = arrivals / (to - from);
    const peak = peakRate(ratePerSecond.subarray(from, Math.min(seconds, from + poolAheadS)), ones.subarray(from, Math.min(seconds, from + poolAheadS)));
    const bandwidth: Record<LaneId, number> = { edge: 0, serverless: 0 };
    const spread: Partial<Record<LaneId, number[]>> = {};
    for (const lane of LANE_IDS) {
      const ahead = Array.from(bandwidthPerSecond[lane].subarray(from, to), (mbps) => Math.log(Math.max(mbps, 1e-3)));
      const sorted = [...ahead].sort((a, b) => a - b);
      bandwidth[lane] = Math.exp(sorted[Math.floor(sorted.length / 2)]!);
      const points = linkSpread(ahead);
      if (points) spread[lane] = points;
    }
    const request = { ...planRequest(context, rate, bandwidth, nowMs, current ? 'rate-change' : 'initial'), rateHighRps: Math.max(rate, peak), linkSpread: spread };
    return planOrFallback(context.planners.ours, current ? { ...request, current } : request, current);
  };
  return {
    name: 'oracle',
    hedges: true,
    start(): Plan {
      current = planFor(0, 0);
      if (!current) throw new Error('oracle: no initial plan');
      return current;
    },
    observe(observation: Observation): Plan | undefined {
      const second = Math.round(observation.nowMs / 1000);
      if (second % EVERY_S !== 0) return undefined;
      const next = planFor(second, observation.nowMs);
      if (!next || !current || samePlan(next, current)) return undefined;
      current = next;
      return next;
    },
  };
}
