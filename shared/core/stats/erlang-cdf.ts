import { EngineError, expected } from '../errors.js';
import { poissonCdf } from './poisson-cdf.js';

/**
 * P(S <= t) for S ~ Erlang(shape k, rate) = Gamma(k, rate) with integer k: the time until the k-th arrival of
 * a Poisson process of the given rate.
 *
 *   P(S_k <= t) = 1 - sum_{i=0}^{k-1} e^{-rate t} (rate t)^i / i!  =  1 - PoissonCdf(k - 1; rate t)
 *
 * (k arrivals by time t iff a Poisson(rate t) count is at least k.) Shape 0 is the point mass at 0.
 * Reference: Ross, Introduction to Probability Models, 11th ed., section 5.3.
 */
export function erlangCdf(t: number, shape: number, rate: number): number {
  if (!Number.isInteger(shape) || shape < 0) throw new EngineError('internal', expected('an integer Erlang shape >= 0', shape));
  if (!(rate > 0) || !Number.isFinite(rate)) throw new EngineError('internal', expected('a finite rate > 0', rate));
  if (shape === 0) return 1;
  if (!(t > 0)) return 0;
  if (t === Infinity) return 1;
  return 1 - poissonCdf(shape - 1, rate * t);
}
