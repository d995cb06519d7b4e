import { EngineError, expected } from '../errors.js';
import { poissonTerms } from './poisson-terms.js';

/**
 * E[min(X, cap)] for X ~ Poisson(mean) and an integer cap >= 0.
 *
 *   E[min(X, cap)] = sum_{k=0}^{cap-1} P(X > k)
 *
 * (the tail-sum formula for non-negative integer variables, E[Y] = sum_{k>=0} P(Y > k), applied to
 * Y = min(X, cap), whose tail P(Y > k) is P(X > k) below the cap and 0 from it). The planner uses it for the
 * expected batch size under a timeout T: the first request plus min(Poisson(rate T), b - 1) more.
 * Reference: Grimmett and Stirzaker, Probability and Random Processes, 3rd ed., section 3.11 (tail sums).
 */
export function truncatedPoissonMean(mean: number, cap: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new EngineError('internal', expected('a finite Poisson mean >= 0', mean));
  if (!Number.isInteger(cap) || cap < 0) throw new EngineError('internal', expected('an integer cap >= 0', cap));
  if (mean === 0 || cap === 0) return 0;
  // Running P(X <= k) from the kept terms (poisson-terms.ts: in log space, so a large mean does not underflow e^{-mean}).
  const terms = poissonTerms(mean);
  let sum = 0;
  for (let k = 0; k < cap; k += 1) sum += Math.max(0, 1 - terms.cdf(k));
  return sum;
}
