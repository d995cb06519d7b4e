import { EngineError, expected } from '../errors.js';

/**
 * P(X <= k) for X ~ Poisson(mean).
 *
 *   P(X <= k) = sum_{i=0}^{k} e^{-mean} mean^i / i!
 *
 * Summed term by term with the recurrence log p_i = log p_{i-1} + log mean - log i, carried in log space so
 * that a large mean (where e^{-mean} alone underflows) still gives finite terms near the mode.
 * Reference: Johnson, Kemp and Kotz, Univariate Discrete Distributions, 3rd ed., ch. 4.
 */
export function poissonCdf(k: number, mean: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new EngineError('internal', expected('a finite Poisson mean >= 0', mean));
  if (Number.isNaN(k)) throw new EngineError('internal', expected('a count', k));
  if (k < 0) return 0;
  if (mean === 0) return 1;
  const top = Math.floor(k);
  let logTerm = -mean; // log of e^{-mean} mean^0 / 0!
  let sum = 0;
  const logMean = Math.log(mean);
  for (let i = 0; i <= top; i += 1) {
    if (i > 0) logTerm += logMean - Math.log(i);
    sum += Math.exp(logTerm);
    // Past the mode the terms shrink; once they no longer move the sum we are done.
    if (i > mean && Math.exp(logTerm) < sum * 1e-17) break;
  }
  return Math.min(1, sum);
}
