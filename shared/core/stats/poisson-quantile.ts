import { EngineError, expected } from '../errors.js';
import { poissonTerms } from './poisson-terms.js';

/**
 * The smallest integer k with P(X <= k) >= p, for X ~ Poisson(mean).
 *
 * Walks the CDF upwards from 0 with the term recurrence P(X = i) = P(X = i - 1) mean / i (in log space).
 * Used for the warm pool a serverless lane needs: in-flight calls of an M/G/infinity system are Poisson with
 * mean = call rate x mean duration (Little's law), whatever the duration distribution.
 * References: Johnson, Kemp and Kotz, Univariate Discrete Distributions, ch. 4; Kleinrock, Queueing Systems
 * vol. 1, section 2.8 (M/G/infinity).
 */
export function poissonQuantile(p: number, mean: number): number {
  if (!(p >= 0 && p < 1)) throw new EngineError('internal', expected('a probability in [0, 1)', p));
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new EngineError('internal', expected('a finite Poisson mean >= 0', mean));
  if (mean === 0) return 0;
  // The kept terms' walk: the same as summing e^{log term} upwards from k = 0 until it reaches p (or the bound).
  return poissonTerms(mean).walkTo(p, 10 * mean + 1000);
}
