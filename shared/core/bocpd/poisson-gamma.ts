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
import * as log1pModule from './math/log1p-small.js';
import type { ConjugateModel, ModelRecord } from './model.js';

// Module-local copies: tsx compiles imports into getter calls, which would run in the inner loop.
const { logGamma, logGammaRatio, stirlingRemainder } = logGammaModule;
const STIRLING_MIN = logGammaModule.STIRLING_MIN;
const { log1pSmall } = log1pModule;

/** Unit-exposure runs of fewer bins than this read their rate statistics from tables. */
const BIN_TABLE_SIZE = 1 << 12;
/** While alpha + x is below this, ln Gamma(alpha + x) - ln Gamma(alpha) comes from a table (256 KB). */
const ALPHA_TABLE_SIZE = 1 << 15;

export interface PoissonGammaPrior {
  /** Gamma shape a > 0 (pseudo-counts). Default 0.5. */
  readonly shape: number;
  /** Gamma rate b > 0 (pseudo-exposure). Default 0.0005. */
  readonly rate: number;
}

export const DEFAULT_POISSON_PRIOR: PoissonGammaPrior = Object.freeze({ shape: 0.5, rate: 0.0005 });

// Block layout: alpha, beta, ln alpha, ln beta, s(alpha) (Stirling remainder, 0 while alpha < 10). The two
// alpha caches are kept only from the table's end (ALPHA_TABLE_SIZE) on: below it they may be stale.
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

interface PoissonTables {
  /** ln(b0 + k), k <= BIN_TABLE_SIZE: ln beta after k unit bins. */
  readonly logBetas: Float64Array;
  /** ln(1 + 1/(b0 + k)), k < BIN_TABLE_SIZE: what the next unit bin adds to ln beta. */
  readonly betaGrowths: Float64Array;
  /** ln Gamma(a0 + S), S < ALPHA_TABLE_SIZE (entries below 3.4e5, so a difference of two keeps ~1e-10). */
  readonly logGammas: Float64Array;
}

/** Tables by prior, shared by every model with that prior (the defaults' are built once per process). */
const tableCache = new Map<string, PoissonTables>();

function tablesFor(shape: number, rate: number): PoissonTables {
  const key = `${shape},${rate}`;
  let tables = tableCache.get(key);
  if (!tables) {
    tables = {
      logBetas: Float64Array.from({ length: BIN_TABLE_SIZE + 1 }, (_, k) => Math.log(rate + k)),
      betaGrowths: Float64Array.from({ length: BIN_TABLE_SIZE }, (_, k) => Math.log1p(1 / (rate + k))),
      logGammas: Float64Array.from({ length: ALPHA_TABLE_SIZE }, (_, k) => logGamma(shape + k)),
    };
    if (tableCache.size >= 16) tableCache.clear();
    tableCache.set(key, tables);
  }
  return tables;
}

export function validatePoissonPrior(prior: Partial<PoissonGammaPrior> | undefined): PoissonGammaPrior {
  const shape = prior?.shape ?? DEFAULT_POISSON_PRIOR.shape;
  const rate = prior?.rate ?? DEFAULT_POISSON_PRIOR.rate;
  if (!(shape > 0) || !Number.isFinite(shape)) throw new EngineError('invalid_input', expected('prior shape > 0', shape));
  if (!(rate > 0) || !Number.isFinite(rate)) throw new EngineError('invalid_input', expected('prior rate > 0', rate));
  return { shape, rate };
}

export function createPoissonGammaModel(prior?: Partial<PoissonGammaPrior>): ConjugateModel {
  return new PoissonGammaModel(validatePoissonPrior(prior));
}

/**
 * A class, not an object of closures: every instance shares one `observe`, so the detector's call to it
 * stays monomorphic (and inlined) across detectors; closures made per model would each be a new call
 * target, and the call site would fall back to a generic call once it had seen a few.
 */
class PoissonGammaModel implements ConjugateModel {
  readonly name = 'poisson';
  readonly statCount = STAT_COUNT;
  private readonly shape: number;
  private readonly rate: number;
  private readonly logBetas: Float64Array;
  private readonly betaGrowths: Float64Array;
  private readonly logGammas: Float64Array;
  private readonly priorBlock = new Float64Array(STAT_COUNT);

  constructor({ shape, rate }: PoissonGammaPrior) {
    this.shape = shape;
    this.rate = rate;
    ({ logBetas: this.logBetas, betaGrowths: this.betaGrowths, logGammas: this.logGammas } = tablesFor(shape, rate));
    const block = this.priorBlock;
    block[ALPHA] = shape;
    block[BETA] = rate;
    block[LOG_ALPHA] = Math.log(shape);
    block[LOG_BETA] = Math.log(rate);
    block[STIRLING_ALPHA] = shape >= STIRLING_MIN ? stirlingRemainder(shape) : 0;
  }

  validate(x: number, exposure: number): void {
    if (!Number.isInteger(x) || x < 0) throw new EngineError('invalid_input', expected('a count (an integer >= 0)', x));
    if (!(exposure > 0) || !Number.isFinite(exposure)) {
      throw new EngineError('invalid_input', expected('an exposure (bin width) > 0', exposure));
    }
  }

  writePrior(stats: Float64Array, slot: number): void {
    // Copied from a typed array: numbers kept in fields would be boxed anew each time.
    const o = slot * STAT_COUNT;
    const block = this.priorBlock;
    for (let k = 0; k < STAT_COUNT; k += 1) stats[o + k] = block[k]!;
  }

  observe(stats: Float64Array, from: number, to: number, x: number, exposure: number, logPredictive: Float64Array, mean: Float64Array, counts?: Float64Array): void {
    const { shape, rate, logBetas, betaGrowths, logGammas } = this;
    const logFactorialX = logFactorial(x);
    const logExposure = Math.log(exposure);
    // Unit bins (the usual case): a run of k bins that were all unit has beta = b0 + k, whose logarithms
    // come from tables while k is small. (One loop body, no helper calls on the common paths: a call that
    // returns a number would box it.)
    const unit = exposure === 1 && counts !== undefined;
    for (let slot = from; slot < to; slot += 1) {
      const o = slot * STAT_COUNT;
      const alpha = stats[o + ALPHA]!;
      const beta = stats[o + BETA]!;
      const k = unit ? counts[slot]! : BIN_TABLE_SIZE;
      // ln((b + e) / b): both the NB's ln p term and the update of ln beta.
      let logBetaGrowth: number;
      let logBetaNext: number;
      if (k < BIN_TABLE_SIZE && Math.abs(beta - rate - k) <= 1e-12 * beta) {
        logBetaGrowth = betaGrowths[k]!;
        logBetaNext = logBetas[k + 1]!;
      } else {
        logBetaGrowth = log1pSmall(exposure / beta);
        logBetaNext = stats[o + LOG_BETA]! + logBetaGrowth;
      }
      let gammaRatio = 0; // ln Gamma(a + x) - ln Gamma(a)
      if (x > 0) {
        const alphaNext = alpha + x;
        // The run's total count, when alpha = a0 + an integer (floor(v + 1/2): the JIT calls out for Math.round).
        const sum = Math.floor(alpha - shape + 0.5);
        const tabled = Math.abs(alpha - shape - sum) <= 1e-9 * alpha;
        if (tabled && alphaNext < ALPHA_TABLE_SIZE) {
          gammaRatio = logGammas[sum + x]! - logGammas[sum]!;
        } else if (alpha >= STIRLING_MIN) {
          // The Stirling difference with ln(alpha) and s(alpha) cached: one log1p instead of two lgammas.
          if (tabled && alpha < ALPHA_TABLE_SIZE) refreshAlphaCaches(stats, o, alpha);
          const logAlphaGrowth = log1pSmall(x / alpha);
          const logAlphaNext = stats[o + LOG_ALPHA]! + logAlphaGrowth;
          const remainderNext = stirlingRemainder(alphaNext);
          gammaRatio = (alpha - 0.5) * logAlphaGrowth + x * logAlphaNext - x + remainderNext - stats[o + STIRLING_ALPHA]!;
          stats[o + LOG_ALPHA] = logAlphaNext;
          stats[o + STIRLING_ALPHA] = remainderNext;
        } else {
          gammaRatio = smallAlphaRatio(stats, o, alpha, x);
        }
        stats[o + ALPHA] = alphaNext;
      }
      const betaNext = beta + exposure;
      stats[o + BETA] = betaNext;
      stats[o + LOG_BETA] = logBetaNext;
      logPredictive[slot] = gammaRatio - logFactorialX - alpha * logBetaGrowth + x * (logExposure - logBetaNext);
      mean[slot] = stats[o + ALPHA]! / betaNext;
    }
  }

  validateStats(stats: Float64Array, slot: number): void {
    const { shape, rate } = this;
    const o = slot * STAT_COUNT;
    const alpha = stats[o + ALPHA]!;
    const beta = stats[o + BETA]!;
    if (!(alpha >= shape) || !(beta >= rate) || !Number.isFinite(alpha) || !Number.isFinite(beta)) {
      throw new EngineError('invalid_input', expected(`Poisson-Gamma statistics with alpha >= ${shape} and beta >= ${rate}`, [alpha, beta]));
    }
    for (let k = LOG_ALPHA; k < STAT_COUNT; k += 1) {
      if (!Number.isFinite(stats[o + k])) throw new EngineError('invalid_input', expected('finite cached statistics', stats[o + k]));
    }
  }

  toRecord(): ModelRecord {
    return { name: 'poisson', params: { shape: this.shape, rate: this.rate } };
  }
}

/** Fills the alpha caches of a block whose alpha just left the table's range (where they are not kept). */
function refreshAlphaCaches(stats: Float64Array, o: number, alpha: number): void {
  stats[o + LOG_ALPHA] = Math.log(alpha);
  stats[o + STIRLING_ALPHA] = alpha >= STIRLING_MIN ? stirlingRemainder(alpha) : 0;
}

/** ln Gamma(alpha + x) - ln Gamma(alpha) for small alpha outside the table, updating the caches. */
function smallAlphaRatio(stats: Float64Array, o: number, alpha: number, x: number): number {
  refreshAlphaCaches(stats, o, alpha + x);
  return logGammaRatio(alpha, x);
}
