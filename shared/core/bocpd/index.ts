/**
 * Bayesian online changepoint detection (Adams and MacKay 2007): conjugate Poisson-Gamma (counts, with
 * exposure) and Normal-Gamma (real values) models, constant hazard, a recursion with bounded work per
 * observation, an online decision rule, exact resume from a compact record; offline, the exact smoothed
 * posterior from a second run backwards; and the TCPD evaluation metrics (F1 with margin, covering).
 *
 *   const detector = createPoissonDetector();
 *   const rule = createChangepointRule();
 *   for (const count of counts) { const change = rule.observe(detector.update(count)); ... }
 */
export { createDetector, type Detector, type DetectorRecord, type StepOutput } from './detector.js';
export { createPoissonDetector, createGaussianDetector, type PoissonDetectorOptions, type GaussianDetectorOptions } from './factories.js';
export { restoreDetector, BUILT_IN_MODELS } from './record.js';
export {
  createChangepointRule,
  restoreChangepointRule,
  DEFAULT_RULE_OPTIONS,
  type ChangepointRule,
  type ChangepointRuleOptions,
  type ChangepointRuleRecord,
  type DetectedChange,
} from './rule.js';
export { detectChangepoints, type DetectChangepointsOptions, type DetectChangepointsResult } from './detect.js';
export { DEFAULT_DETECTOR_OPTIONS, type DetectorOptions, type ResolvedDetectorOptions } from './options.js';
export type { ConjugateModel, ModelFactory, ModelRecord } from './model.js';
export { createPoissonGammaModel, DEFAULT_POISSON_PRIOR, type PoissonGammaPrior } from './poisson-gamma.js';
export {
  createNormalGammaModel,
  DEFAULT_GAUSSIAN_PRIOR,
  DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR,
  type NormalGammaPrior,
  type GaussianModelOptions,
} from './normal-gamma.js';
export { robustStandardization, type Standardization } from './standardize.js';
export { segmentStartPosterior } from './smoothed-posterior.js';
export { smoothedChangepoints, DEFAULT_SMOOTHED_THRESHOLD, type SmoothedChange } from './smoothed-rule.js';
export { f1Score, F1_MARGIN, type F1Score } from './metrics/f1.js';
export { covering } from './metrics/covering.js';
export { annotationsFor } from './annotations.js';
export { parseSeriesText, SeriesOptionError, type SeriesInput, type SeriesTextOptions } from './series-input.js';
