import { EngineError, expected } from '../errors.js';
import { poissonTerms } from './poisson-terms.js';

/**
 * E[(w - X)+] for X ~ Poisson(mean): how many of w reserved servers sit idle on average when the number busy is
 * Poisson, as the in-flight calls of an M/G/infinity system are (Kleinrock, Queueing Systems vol. 1, section
 * 2.8). Sums (w - k) P(X = k) for k < w with the term recurrence P(X = k) = P(X = k - 1) mean / k in log space.
 * Used to bill FC warm instances: a provisioned instance bills its memory while idle (idle vCPU is free).
 */
export function poissonIdleMean(w: number, mean: number): number {
  if (!(Number.isInteger(w) && w >= 0)) throw new EngineError('internal', expected('a whole number of servers >= 0', w));
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new EngineError('internal', expected('a finite Poisson mean >= 0', mean));
  if (mean === 0) return w;
  const terms = poissonTerms(mean);
  let sum = 0;
  for (let k = 0; k < w; k += 1) sum += (w - k) * terms.term(k);
  return sum;
}
