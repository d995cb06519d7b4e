/**
 * The planner's attainment model against the simulator: a steady Poisson stream on a constant link, run by `ours`
 * through the real queue with the measured service spread, beside what the best-effort plan for that rate predicts.
 * Steady arrivals leave nothing to changepoint detection, so any gap is the model's own.
 */
import { DEFAULT_BOUNDS, planBestEffort } from '../planner/index.js';
import type { PriceTable } from '../pricing/index.js';
import { createRandom } from '../random.js';
import { bandwidthTrace } from '../traces/bandwidth-trace.js';
import { DEFAULT_TRACED_LANE, laneBandwidths } from '../topology.js';
import type { LaneId, ProfileSet } from '../types.js';
import { defaultPlanners } from './planners.js';
import { simulate } from './simulate.js';

export interface ModelCheckScenario {
  readonly rateRps: number;
  /** Bandwidth of the traced lane's link (the edge's in the product topology). */
  readonly linkMbps: number;
  readonly tracedLane?: LaneId;
  readonly sloMs: number;
  readonly durationMs: number;
  readonly profiles: ProfileSet;
  readonly prices: PriceTable;
  /** Seeds the arrivals and the service noise. */
  readonly seed: number;
}

export interface ModelCheck {
  readonly rateRps: number;
  readonly predicted: number;
  readonly simulated: number;
}

export function checkAttainmentModel(scenario: ModelCheckScenario): ModelCheck {
  const { rateRps, linkMbps, sloMs, durationMs, profiles, prices, seed, tracedLane = DEFAULT_TRACED_LANE } = scenario;
  const random = createRandom(seed);
  const gapMs = () => -Math.log(1 - random.next()) * (1000 / rateRps);
  const times: number[] = [];
  for (let t = gapMs(); t < durationMs; t += gapMs()) times.push(t);
  const result = simulate({
    arrivalsMs: Float64Array.from(times),
    durationMs,
    bandwidth: bandwidthTrace([0], [linkMbps], 1000),
    profiles,
    sloMs,
    policies: ['ours'],
    planners: defaultPlanners(prices),
    options: { seed, tracedLane },
  });
  const { rttMs, payloadBytes, fixedLaneMbps } = result.options;
  const bandwidthMbps = laneBandwidths(tracedLane, linkMbps, fixedLaneMbps);
  const plan = planBestEffort({ rateRps, bandwidthMbps, rttMs, payloadBytes, sloMs, sloTarget: result.sloTarget, profiles, prices, bounds: DEFAULT_BOUNDS, nowMs: 0, reason: 'manual' });
  return { rateRps, predicted: plan.predicted.attainment ?? Number.NaN, simulated: result.runs[0]!.result.sloAttainment };
}
