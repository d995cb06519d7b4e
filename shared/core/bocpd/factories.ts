/** Ready-made detectors for the two built-in models. */
import { createDetector, type Detector } from './detector.js';
import { createNormalGammaModel, type GaussianModelOptions } from './normal-gamma.js';
import type { DetectorOptions } from './options.js';
import { createPoissonGammaModel, type PoissonGammaPrior } from './poisson-gamma.js';

export interface PoissonDetectorOptions extends DetectorOptions {
  readonly prior?: Partial<PoissonGammaPrior>;
}

export type GaussianDetectorOptions = DetectorOptions & GaussianModelOptions;

/** A detector for counts per bin (feed `update(count, binWidth)`); Poisson-Gamma model. */
export function createPoissonDetector(options: PoissonDetectorOptions = {}): Detector {
  return createDetector(createPoissonGammaModel(options.prior), options);
}

/** A detector for real values (e.g. ln Mbit/s); Normal-Gamma model. */
export function createGaussianDetector(options: GaussianDetectorOptions = {}): Detector {
  return createDetector(createNormalGammaModel(options), options);
}
