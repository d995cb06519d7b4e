/**
 * Poisson-Gamma model for counts. A segment has rate lambda per unit exposure (for per-second bins, requests
 * per second); a bin of exposure e holds x ~ Poisson(lambda e). The prior lambda ~ Gamma(shape a, rate b)
 * is conjugate: after counts x_i over exposures e_i the posterior is Gamma(a + sum x_i, b + sum e_i), and
 * the predictive of the next count is negative binomial (Gelman et al., Bayesian Data Analysis, 3rd ed.,
 * section 2.6):
 *
 *   p(x | a, b, e) = Gamma(a + x) / (Gamma(a) x!) * (b / (b + e))^a * (e / (b + e))^x.
 *
 * Unequal bins (exposure per observation) are therefore exact, not an approximation.
 *
 * Default prior Gamma(0.5, 0.0005): shape 1/2 as Jeffreys' prior for a Poisson rate, so the prior is nearly
 * flat in log-rate; rate 0.0005 puts the prior mean at 1,000 per bin and keeps appreciable mass over the
 * whole 1-10,000 range (P(lambda < 1) = 2.5 %, P(1-10) = 5.5 %, P(10-100) = 17 %, P(100-1,000) = 49 %,
 * P(1,000-10,000) = 26 %, P(> 10,000) = 0.16 %). A vaguer prior only makes a new segment cost a little
 * more evidence (the Occam factor grows like the log of the prior's width).
 */
import { EngineError, expected } from '../errors.js';
import * as logGammaModule from './math/log-gamma.js';
import type { ConjugateModel, ModelRecord } from './model.js';

// Module-local copies: tsx compiles imports into getter calls, which would run in the inner loop.
const { logGamma, logGammaRatio, stirlingRemainder } = logGammaModule;
const STIRLING_MIN = logGammaModule.STIRLING_MIN;

export interface PoissonGammaPrior {
  /** Gamma shape a > 0 (pseudo-counts). Default 0.5. */
  readonly shape: number;
  /** Gamma rate b > 0 (pseudo-exposure). Default 0.0005. */
  readonly rate: number;
}

export const DEFAULT_POISSON_PRIOR: PoissonGammaPrior = Object.freeze({ shape: 0.5, rate: 0.0005 });

// Block layout: alpha, beta, ln alpha, ln beta, s(alpha) (Stirling remainder, 0 while alpha < 10).
const ALPHA = 0;
const BETA = 1;
const LOG_ALPHA = 2;
const LOG_BETA = 3;
const STIRLING_ALPHA = 4;
const STAT_COUNT = 5;

/** ln x! for small counts, filled once. */
const LOG_FACTORIAL_CACHE_SIZE = 4096;
const logFactorialCache = new Float64Array(LOG_FACTORIAL_CACHE_SIZE);
for (let k = 2; k < LOG_FACTORIAL_CACHE_SIZE; k += 1) logFactorialCache[k] = logFactorialCache[k - 1]! + Math.log(k);

function logFactorial(x: number): number {
  return x < LOG_FACTORIAL_CACHE_SIZE ? logFactorialCache[x]! : logGamma(x + 1);
}

export function validatePoissonPrior(prior: Partial<PoissonGammaPrior> | undefined): PoissonGammaPrior {
  const shape = prior?.shape ?? DEFAULT_POISSON_PRIOR.shape;
  const rate = prior?.rate ?? DEFAULT_POISSON_PRIOR.rate;
  if (!(shape > 0) || !Number.isFinite(shape)) throw new EngineError('bad_request', expected('prior shape > 0', shape));
  if (!(rate > 0) || !Number.isFinite(rate)) throw new EngineError('bad_request', expected('prior rate > 0', rate));
  return { shape, rate };
}

export function createPoissonGammaModel(prior?: Partial<PoissonGammaPrior>): ConjugateModel {
  const { shape, rate } = validatePoissonPrior(prior);
  const logShape = Math.log(shape);
  const logRate = Math.log(rate);
  const shapeRemainder = shape >= STIRLING_MIN ? stirlingRemainder(shape) : 0;

  return {
    name: 'poisson',
    statCount: STAT_COUNT,

    validate(x: number, exposure: number): void {
      if (!Number.isInteger(x) || x < 0) throw new EngineError('bad_request', expected('a count (an integer >= 0)', x));
      if (!(exposure > 0) || !Number.isFinite(exposure)) {
        throw new EngineError('bad_request', expected('an exposure (bin width) > 0', exposure));
      }
    },

    writePrior(stats: Float64Array, slot: number): void {
      const o = slot * STAT_COUNT;
      stats[o + ALPHA] = shape;
      stats[o + BETA] = rate;
      stats[o + LOG_ALPHA] = logShape;
      stats[o + LOG_BETA] = logRate;
      stats[o + STIRLING_ALPHA] = shapeRemainder;
    },

    observe(stats, from, to, x, exposure, logPredictive, mean): void {
      const logFactorialX = logFactorial(x);
      const logExposure = Math.log(exposure);
      for (let slot = from; slot < to; slot += 1) {
        const o = slot * STAT_COUNT;
        const alpha = stats[o + ALPHA]!;
        const beta = stats[o + BETA]!;
        const logBeta = stats[o + LOG_BETA]!;
        // ln((b + e) / b): both the NB's ln p term and the update of ln beta.
        const logBetaGrowth = Math.log1p(exposure / beta);
        const logBetaNext = logBeta + logBetaGrowth;
        let gammaRatio = 0; // ln Gamma(a + x) - ln Gamma(a)
        if (x > 0) {
          const alphaNext = alpha + x;
          if (alpha >= STIRLING_MIN) {
            // The Stirling difference with the cached ln(alpha) and s(alpha): one log1p instead of two lgammas.
            const logAlphaGrowth = Math.log1p(x / alpha);
            const logAlphaNext = stats[o + LOG_ALPHA]! + logAlphaGrowth;
            const remainderNext = stirlingRemainder(alphaNext);
            gammaRatio = (alpha - 0.5) * logAlphaGrowth + x * logAlphaNext - x + remainderNext - stats[o + STIRLING_ALPHA]!;
            stats[o + LOG_ALPHA] = logAlphaNext;
            stats[o + STIRLING_ALPHA] = remainderNext;
          } else {
            gammaRatio = logGammaRatio(alpha, x);
            stats[o + LOG_ALPHA] = Math.log(alphaNext);
            stats[o + STIRLING_ALPHA] = alphaNext >= STIRLING_MIN ? stirlingRemainder(alphaNext) : 0;
          }
          stats[o + ALPHA] = alphaNext;
        }
        logPredictive[slot] = gammaRatio - logFactorialX - alpha * logBetaGrowth + x * (logExposure - logBetaNext);
        const betaNext = beta + exposure;
        stats[o + BETA] = betaNext;
        stats[o + LOG_BETA] = logBetaNext;
        mean[slot] = stats[o + ALPHA]! / betaNext;
      }
    },

    validateStats(stats: Float64Array, slot: number): void {
      const o = slot * STAT_COUNT;
      const alpha = stats[o + ALPHA]!;
      const beta = stats[o + BETA]!;
      if (!(alpha >= shape) || !(beta >= rate) || !Number.isFinite(alpha) || !Number.isFinite(beta)) {
        throw new EngineError('bad_request', expected(`Poisson-Gamma statistics with alpha >= ${shape} and beta >= ${rate}`, [alpha, beta]));
      }
      for (let k = LOG_ALPHA; k < STAT_COUNT; k += 1) {
        if (!Number.isFinite(stats[o + k])) throw new EngineError('bad_request', expected('finite cached statistics', stats[o + k]));
      }
    },

    toRecord(): ModelRecord {
      return { name: 'poisson', params: { shape, rate } };
    },
  };
}
