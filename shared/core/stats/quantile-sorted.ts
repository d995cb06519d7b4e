import { EngineError, expected } from '../errors.js';

/**
 * The p-quantile of an ascending-sorted sample, by linear interpolation between order statistics
 * (Hyndman and Fan's definition 7, the default of R's quantile() and numpy.quantile):
 *
 *   h = (n - 1) p,  Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])
 *
 * Reference: Hyndman and Fan (1996), "Sample quantiles in statistical packages", The American Statistician 50.
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new EngineError('internal', 'Expected a non-empty sample for a quantile, got an empty one');
  if (!(p >= 0 && p <= 1)) throw new EngineError('internal', expected('a probability in [0, 1]', p));
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!);
}
