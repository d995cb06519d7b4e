/** Offline convenience: run a detector and the decision rule over a whole series. */
import { EngineError, expected } from '../errors.js';
import { createDetector, type Detector, type StepOutput } from './detector.js';
import type { ConjugateModel } from './model.js';
import { DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR, createNormalGammaModel, type NormalGammaPrior } from './normal-gamma.js';
import type { DetectorOptions } from './options.js';
import { createPoissonGammaModel, type PoissonGammaPrior } from './poisson-gamma.js';
import { createChangepointRule, type ChangepointRuleOptions, type DetectedChange } from './rule.js';
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
  /** Keep every step's output in the result. Default false. */
  readonly keepOutputs?: boolean;
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
  readonly detector: Detector;
}

function buildModel(options: DetectChangepointsOptions, series: ArrayLike<number>): { model: ConjugateModel; standardization?: Standardization } {
  const { model, prior, standardize } = options;
  if (typeof model === 'object') {
    if (standardize) throw new EngineError('bad_request', 'standardize applies to the built-in gaussian model only.');
    return { model };
  }
  if (model === 'poisson') {
    if (standardize) throw new EngineError('bad_request', 'standardize applies to the gaussian model only: counts keep their scale.');
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
  throw new EngineError('bad_request', expected('model "poisson" or "gaussian"', model));
}

export function detectChangepoints(series: ArrayLike<number>, options: DetectChangepointsOptions): DetectChangepointsResult {
  const { exposures, keepOutputs = false } = options;
  if (exposures && exposures.length !== series.length) {
    throw new EngineError('bad_request', expected(`${series.length} exposures (one per observation)`, exposures.length));
  }
  const { model, standardization } = buildModel(options, series);
  const detector = createDetector(model, options);
  const rule = createChangepointRule(options);
  const detections: DetectedChange[] = [];
  const outputs: StepOutput[] | undefined = keepOutputs ? [] : undefined;
  for (let i = 0; i < series.length; i += 1) {
    let output: StepOutput;
    try {
      output = detector.update(series[i]!, exposures ? exposures[i]! : 1);
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
