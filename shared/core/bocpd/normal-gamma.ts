/**
 * Normal-Gamma model for real values with unknown mean and precision. Within a segment x ~ N(mu, 1/tau);
 * prior tau ~ Gamma(alpha, beta), mu | tau ~ N(m, 1/(kappa tau)). After one observation x the posterior is
 * (Murphy, "Conjugate Bayesian analysis of the Gaussian distribution", 2007, section 3):
 *
 *   kappa' = kappa + 1,  m' = m + (x - m) / (kappa + 1),  alpha' = alpha + 1/2,
 *   beta'  = beta + kappa (x - m)^2 / (2 (kappa + 1)),
 *
 * and the predictive is Student-t with 2 alpha degrees of freedom, location m, scale^2 = beta (kappa + 1) /
 * (alpha kappa). With nu scale^2 = 2 beta (kappa + 1) / kappa and q = kappa (x - m)^2 / (2 (kappa + 1)):
 *
 *   ln p(x) = ln Gamma(alpha + 1/2) - ln Gamma(alpha) - (1/2) ln(2 pi beta (kappa + 1) / kappa)
 *             - (alpha + 1/2) ln(1 + q / beta).
 *
 * Default prior, for the natural log of bandwidth in Mbit/s (the scheduler's use): m = 1 (e^1 = 2.7
 * Mbit/s), kappa = 0.01, alpha = 1, beta = 0.1. The prior mean precision alpha/beta = 10 means a typical
 * within-segment sd of about 0.3 (a 35 % spread around the segment's level); kappa = 0.01 lets a segment's
 * level lie anywhere within about +-3 (0.1 to 55 Mbit/s) of m at one prior sd, and further with the t tails.
 * With `location`/`scale` the model sees (x - location) / scale (standardised input; see standardize.ts,
 * whose scale is the series' marginal spread). DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR then reads:
 * - m 0, kappa 1: a segment's level lies within about one scale of the series' median, as levels of a
 *   series measured by its own spread do;
 * - alpha 20, beta 20: a noise precision of mean 1 (noise sd about the scale) worth 2 alpha = 40
 *   observations. Segments share one noise level, as in the mean-shift models of binary segmentation and
 *   PELT, and it is learnt slowly: with a weak prior (alpha 1) a calm stretch quickly believes in a tiny
 *   variance, and the next ordinary wiggle then reads as a change. It still yields to a segment whose
 *   spread truly differs (a variance change) after a few dozen observations.
 */
import { EngineError, expected } from '../errors.js';
import { logGamma } from './math/log-gamma.js';
import type { ConjugateModel, ModelRecord } from './model.js';

export interface NormalGammaPrior {
  /** Prior mean m. */
  readonly mean: number;
  /** Pseudo-observations behind the mean, kappa > 0. */
  readonly kappa: number;
  /** Gamma shape of the precision, alpha > 0. */
  readonly alpha: number;
  /** Gamma rate of the precision, beta > 0. */
  readonly beta: number;
}

export const DEFAULT_GAUSSIAN_PRIOR: NormalGammaPrior = Object.freeze({ mean: 1, kappa: 0.01, alpha: 1, beta: 0.1 });
export const DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR: NormalGammaPrior = Object.freeze({ mean: 0, kappa: 1, alpha: 20, beta: 20 });

export interface GaussianModelOptions {
  readonly prior?: Partial<NormalGammaPrior>;
  /** Subtracted from every observation before the model sees it. Default 0. */
  readonly location?: number;
  /** Every observation is divided by this (> 0) after subtracting `location`. Default 1. */
  readonly scale?: number;
}

// Block layout: m, kappa, alpha, beta, ln beta, ln kappa, ln Gamma(alpha + 1/2) - ln Gamma(alpha).
const MEAN = 0;
const KAPPA = 1;
const ALPHA = 2;
const BETA = 3;
const LOG_BETA = 4;
const LOG_KAPPA = 5;
const HALF_GAMMA_RATIO = 6;
const STAT_COUNT = 7;

const HALF_LOG_TWO_PI = 0.9189385332046728;

export function validateGaussianPrior(prior: Partial<NormalGammaPrior> | undefined, fallback = DEFAULT_GAUSSIAN_PRIOR): NormalGammaPrior {
  const merged = { ...fallback, ...prior };
  if (!Number.isFinite(merged.mean)) throw new EngineError('invalid_input', expected('a finite prior mean', merged.mean));
  for (const key of ['kappa', 'alpha', 'beta'] as const) {
    const value = merged[key];
    if (!(value > 0) || !Number.isFinite(value)) throw new EngineError('invalid_input', expected(`prior ${key} > 0`, value));
  }
  return merged;
}

export function createNormalGammaModel(options: GaussianModelOptions = {}): ConjugateModel {
  const prior = validateGaussianPrior(options.prior);
  const location = options.location ?? 0;
  const scale = options.scale ?? 1;
  if (!Number.isFinite(location)) throw new EngineError('invalid_input', expected('a finite location', location));
  if (!(scale > 0) || !Number.isFinite(scale)) throw new EngineError('invalid_input', expected('a scale > 0', scale));
  return new NormalGammaModel(prior, location, scale);
}

/**
 * A class, not an object of closures: every instance shares one `observe`, so the detector's call to it
 * stays monomorphic (and inlined) across detectors.
 */
class NormalGammaModel implements ConjugateModel {
  readonly name = 'gaussian';
  readonly statCount = STAT_COUNT;
  private readonly inverseScale: number;
  /** The density of the original x is the model's density of (x - location)/scale divided by scale. */
  private readonly logScale: number;
  private readonly priorBlock = new Float64Array(STAT_COUNT);

  constructor(
    private readonly prior: NormalGammaPrior,
    private readonly location: number,
    private readonly scale: number,
  ) {
    const { mean, kappa, alpha, beta } = prior;
    this.inverseScale = 1 / scale;
    this.logScale = Math.log(scale);
    const block = this.priorBlock;
    block[MEAN] = mean;
    block[KAPPA] = kappa;
    block[ALPHA] = alpha;
    block[BETA] = beta;
    block[LOG_BETA] = Math.log(beta);
    block[LOG_KAPPA] = Math.log(kappa);
    block[HALF_GAMMA_RATIO] = logGamma(alpha + 0.5) - logGamma(alpha);
  }

  validate(x: number): void {
    if (!Number.isFinite(x)) throw new EngineError('invalid_input', expected('a finite number', x));
  }

  writePrior(stats: Float64Array, slot: number): void {
    // Copied from a typed array: numbers kept in fields would be boxed anew each time.
    const o = slot * STAT_COUNT;
    const block = this.priorBlock;
    for (let k = 0; k < STAT_COUNT; k += 1) stats[o + k] = block[k]!;
  }

  observe(stats: Float64Array, from: number, to: number, rawX: number, _exposure: number, logPredictive: Float64Array, mean: Float64Array): void {
    const { location, scale, logScale } = this;
    const x = (rawX - location) * this.inverseScale;
    for (let slot = from; slot < to; slot += 1) {
      const o = slot * STAT_COUNT;
      const m = stats[o + MEAN]!;
      const k = stats[o + KAPPA]!;
      const a = stats[o + ALPHA]!;
      const b = stats[o + BETA]!;
      const logBeta = stats[o + LOG_BETA]!;
      const halfGammaRatio = stats[o + HALF_GAMMA_RATIO]!;
      const deviation = x - m;
      const kNext = k + 1;
      const logKappaNext = Math.log(kNext);
      const q = (k * deviation * deviation) / (2 * kNext);
      const logBetaGrowth = Math.log1p(q / b);
      logPredictive[slot] =
        halfGammaRatio - HALF_LOG_TWO_PI - 0.5 * (logBeta + logKappaNext - stats[o + LOG_KAPPA]!) - (a + 0.5) * logBetaGrowth - logScale;
      const mNext = m + deviation / kNext;
      stats[o + MEAN] = mNext;
      stats[o + KAPPA] = kNext;
      stats[o + ALPHA] = a + 0.5;
      stats[o + BETA] = b + q;
      stats[o + LOG_BETA] = logBeta + logBetaGrowth;
      stats[o + LOG_KAPPA] = logKappaNext;
      // ln Gamma(a + 1) - ln Gamma(a + 1/2) = ln a - [ln Gamma(a + 1/2) - ln Gamma(a)].
      stats[o + HALF_GAMMA_RATIO] = Math.log(a) - halfGammaRatio;
      mean[slot] = location + scale * mNext;
    }
  }

  validateStats(stats: Float64Array, slot: number): void {
    const { kappa, alpha, beta } = this.prior;
    const o = slot * STAT_COUNT;
    for (let k = 0; k < STAT_COUNT; k += 1) {
      if (!Number.isFinite(stats[o + k])) throw new EngineError('invalid_input', expected('finite Normal-Gamma statistics', stats[o + k]));
    }
    if (!(stats[o + KAPPA]! >= kappa) || !(stats[o + ALPHA]! >= alpha) || !(stats[o + BETA]! >= beta)) {
      throw new EngineError('invalid_input', expected('Normal-Gamma statistics at least the prior', Array.from(stats.subarray(o, o + 4))));
    }
  }

  toRecord(): ModelRecord {
    const { mean, kappa, alpha, beta } = this.prior;
    return { name: 'gaussian', params: { mean, kappa, alpha, beta, location: this.location, scale: this.scale } };
  }
}
