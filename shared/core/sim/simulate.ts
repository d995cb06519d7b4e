/**
 * Runs a scenario under one or more policies: the same arrivals, links, profiles and seed for each, so the
 * rows compare like with like.
 */
import { EngineError, expected } from '../errors.js';
import { DEFAULT_SLO_TARGET } from '../planner/input.js';
import { createRandom } from '../random.js';
import { perSecondBandwidth } from '../traces/bandwidth-trace.js';
import { resolveSimOptions, type SimOptions } from './config.js';
import { simulatePolicy, type SimInput } from './simulate-policy.js';
import { createPolicy, type PolicyTuning } from './policies/index.js';
import type { Planners, PolicyContext, TraceTruth } from './policy.js';
import type { PolicyRun } from './summary.js';

export interface SimulationRequest extends SimInput {
  /** The SLO's target: the fraction of requests to answer within sloMs. Default DEFAULT_SLO_TARGET (99.9%). */
  readonly sloTarget?: number;
  readonly policies: readonly string[];
  readonly planners: Planners;
  readonly options?: Partial<SimOptions>;
  readonly tuning?: PolicyTuning;
  /** Progress over all policies, 0..1, and the policy running. */
  readonly onProgress?: (fraction: number, policy: string) => void;
}

export interface SimulationResult {
  readonly options: SimOptions;
  readonly sloMs: number;
  readonly sloTarget: number;
  readonly durationMs: number;
  readonly runs: readonly PolicyRun[];
}

/** Per-second truth the oracle plans with: arrivals counted per second, each lane's mean Mbit/s per second. */
export function traceTruth(input: SimInput, options: SimOptions): TraceTruth {
  const seconds = Math.max(1, Math.ceil(input.durationMs / 1000));
  const ratePerSecond = new Float64Array(seconds);
  for (const t of input.arrivalsMs) {
    const k = Math.floor(t / 1000);
    if (k < seconds) ratePerSecond[k]! += 1;
  }
  const traced = perSecondBandwidth(input.bandwidth, seconds);
  const fixed = new Float64Array(seconds).fill(options.fixedLaneMbps);
  return {
    ratePerSecond,
    bandwidthPerSecond: options.tracedLane === 'serverless' ? { edge: fixed, serverless: traced } : { edge: traced, serverless: fixed },
  };
}

export function simulate(request: SimulationRequest): SimulationResult {
  const options = resolveSimOptions(request.options);
  const truth = traceTruth(request, options);
  const sloTarget = request.sloTarget ?? DEFAULT_SLO_TARGET;
  if (!(sloTarget > 0 && sloTarget < 1)) throw new EngineError('invalid_input', expected('an SLO target in (0, 1)', sloTarget));
  const context: PolicyContext = { sloMs: request.sloMs, sloTarget, profiles: request.profiles, options, planners: request.planners, truth };
  const runs = request.policies.map((name, i) => {
    const policy = createPolicy(name, context, request.tuning);
    // One generator per policy from the same seed: every policy sees the same noise sequence.
    const random = createRandom(options.seed);
    return simulatePolicy(request, policy, options, () => random.next(), (fraction) => request.onProgress?.((i + fraction) / request.policies.length, name));
  });
  return { options, sloMs: request.sloMs, sloTarget, durationMs: request.durationMs, runs };
}

