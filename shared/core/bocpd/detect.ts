/**
 * Offline convenience: run a detector and a decision rule over a whole series.
 *
 * rule 'online' (the default) reports what the live detector would, each change at the first observation
 * with enough evidence (rule.ts). rule 'smoothed' uses the whole series: a second run of the recursion
 * over the series backwards gives the exact posterior probability of a segment starting at every index
 * (smoothed-posterior.ts), and changes are read from its mass (smoothed-rule.ts). Detections then carry
 * detectedAt = the last index.
 */
import { EngineError, expected } from '../errors.js';
import { createDetector, type Detector, type StepOutput } from './detector.js';
import type { ConjugateModel } from './model.js';
import { DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR, createNormalGammaModel, type NormalGammaPrior } from './normal-gamma.js';
import type { DetectorOptions } from './options.js';
import { createPoissonGammaModel, type PoissonGammaPrior } from './poisson-gamma.js';
import { DEFAULT_RULE_OPTIONS, createChangepointRule, type ChangepointRuleOptions, type DetectedChange } from './rule.js';
import { segmentStartPosterior } from './smoothed-posterior.js';
import { DEFAULT_SMOOTHED_THRESHOLD, smoothedChangepoints } from './smoothed-rule.js';
import { robustStandardization, type Standardization } from './standardize.js';

export interface DetectChangepointsOptions extends DetectorOptions, ChangepointRuleOptions {
  /** 'poisson' (counts), 'gaussian' (real values), or any ConjugateModel. */
  readonly model: 'poisson' | 'gaussian' | ConjugateModel;
  /** Prior for the built-in model; defaults documented in poisson-gamma.ts and normal-gamma.ts. */
  readonly prior?: Partial<PoissonGammaPrior> | Partial<NormalGammaPrior>;
  /** Gaussian only: robustly standardise the series first (see standardize.ts) with a unit-noise prior. */
  readonly standardize?: boolean;
  /** Per-observation exposure (bin width) for counts; default 1 each. */
  readonly exposures?: ArrayLike<number>;
  /** Keep every step's output in the result (the forward run's, for 'smoothed'). Default false. */
  readonly keepOutputs?: boolean;
  /** 'online' (default): as the live detector reports; 'smoothed': from the posterior given the whole series. */
  readonly rule?: 'online' | 'smoothed';
}

export interface DetectChangepointsResult {
  /** 0-based indices where a new segment starts, ascending. */
  readonly changepoints: number[];
  /** The same changes with when each was reported. */
  readonly detections: DetectedChange[];
  /** Per-observation outputs, when `keepOutputs` was set. */
  readonly outputs?: StepOutput[];
  /** The location and scale used, when `standardize` was set. */
  readonly standardization?: Standardization;
  /** rule 'smoothed': P(a segment starts at t | the whole series) for every t (0 at t = 0). */
  readonly posterior?: Float64Array;
  readonly detector: Detector;
}

function buildModel(options: DetectChangepointsOptions, series: ArrayLike<number>): { model: ConjugateModel; standardization?: Standardization } {
  const { model, prior, standardize } = options;
  if (typeof model === 'object') {
    if (standardize) throw new EngineError('invalid_input', 'standardize applies to the built-in gaussian model only.');
    return { model };
  }
  if (model === 'poisson') {
    if (standardize) throw new EngineError('invalid_input', 'standardize applies to the gaussian model only: counts keep their scale.');
    return { model: createPoissonGammaModel(prior as Partial<PoissonGammaPrior> | undefined) };
  }
  if (model === 'gaussian') {
    if (!standardize) return { model: createNormalGammaModel({ prior: prior as Partial<NormalGammaPrior> | undefined }) };
    const standardization = robustStandardization(series);
    return {
      model: createNormalGammaModel({ prior: { ...DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR, ...(prior as Partial<NormalGammaPrior> | undefined) }, ...standardization }),
      standardization,
    };
  }
  throw new EngineError('invalid_input', expected('model "poisson" or "gaussian"', model));
}

/** Runs a fresh detector over the series (backwards if asked), returning every step's log predictive. */
function logPredictives(
  options: DetectChangepointsOptions,
  model: ConjugateModel,
  series: ArrayLike<number>,
  backwards: boolean,
  outputs?: StepOutput[],
): { detector: Detector; logs: Float64Array } {
  const { exposures } = options;
  const detector = createDetector(model, options);
  const n = series.length;
  const logs = new Float64Array(n);
  for (let k = 0; k < n; k += 1) {
    const i = backwards ? n - 1 - k : k;
    try {
      if (outputs) outputs.push(detector.update(series[i]!, exposures ? exposures[i]! : 1));
      else detector.step(series[i]!, exposures ? exposures[i]! : 1);
    } catch (error) {
      if (error instanceof EngineError) throw new EngineError(error.code, `Observation ${i}: ${error.message}`);
      throw error;
    }
    logs[i] = detector.logPredictive;
  }
  return { detector, logs };
}

function detectSmoothed(series: ArrayLike<number>, options: DetectChangepointsOptions, model: ConjugateModel, standardization?: Standardization): DetectChangepointsResult {
  const outputs: StepOutput[] | undefined = options.keepOutputs ? [] : undefined;
  const forward = logPredictives(options, model, series, false, outputs);
  const backward = logPredictives(options, model, series, true);
  const resolved = forward.detector.options;
  const posterior = segmentStartPosterior(forward.logs, backward.logs, 1 / resolved.expectedSegmentLength);
  const changes = smoothedChangepoints(posterior, options.threshold ?? DEFAULT_SMOOTHED_THRESHOLD, options.minSpacing ?? DEFAULT_RULE_OPTIONS.minSpacing);
  const last = series.length - 1;
  return {
    changepoints: changes.map((change) => change.index),
    detections: changes.map((change) => ({ index: change.index, detectedAt: last, probability: change.probability })),
    ...(outputs ? { outputs } : {}),
    ...(standardization ? { standardization } : {}),
    posterior,
    detector: forward.detector,
  };
}

export function detectChangepoints(series: ArrayLike<number>, options: DetectChangepointsOptions): DetectChangepointsResult {
  const { exposures, keepOutputs = false } = options;
  if (exposures && exposures.length !== series.length) {
    throw new EngineError('invalid_input', expected(`${series.length} exposures (one per observation)`, exposures.length));
  }
  const { model, standardization } = buildModel(options, series);
  if (options.rule === 'smoothed') return detectSmoothed(series, options, model, standardization);
  if (options.rule !== undefined && options.rule !== 'online') throw new EngineError('invalid_input', expected('rule "online" or "smoothed"', options.rule));
  const detector = createDetector(model, options);
  const rule = createChangepointRule(options);
  const detections: DetectedChange[] = [];
  const outputs: StepOutput[] | undefined = keepOutputs ? [] : undefined;
  for (let i = 0; i < series.length; i += 1) {
    // Without kept outputs the rule reads the detector itself (it is its own last StepOutput): no object per step.
    let output: StepOutput = detector;
    try {
      if (outputs) output = detector.update(series[i]!, exposures ? exposures[i]! : 1);
      else detector.step(series[i]!, exposures ? exposures[i]! : 1);
    } catch (error) {
      if (error instanceof EngineError) throw new EngineError(error.code, `Observation ${i}: ${error.message}`);
      throw error;
    }
    outputs?.push(output);
    const change = rule.observe(output);
    if (change) detections.push(change);
  }
  return {
    changepoints: detections.map((change) => change.index),
    detections,
    ...(outputs ? { outputs } : {}),
    ...(standardization ? { standardization } : {}),
    detector,
  };
}
