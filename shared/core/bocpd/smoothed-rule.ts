/**
 * Changepoints from the smoothed posterior (smoothed-posterior.ts): a change is reported where the posterior
 * mass says one is there, not where a single index merely peaks.
 *
 * The indices are taken in order of decreasing posterior probability of a segment starting there. Each
 * index not yet claimed claims its neighbourhood, the indices within h = floor(minSpacing / 2) of it that
 * no earlier one claimed, and the summed posterior over that neighbourhood, the expected number of segment
 * starts within it, is the probability that the segment starts there give or take h. It is reported when
 * that mass reaches `threshold` and it lies at least `minSpacing` from every change already reported.
 * Indices below threshold / (2h + 1) cannot gather enough mass and are skipped at once.
 */
import { EngineError, expected } from '../errors.js';

export interface SmoothedChange {
  /** 0-based index of the first observation of the new segment. */
  readonly index: number;
  /** Posterior probability that a segment starts within floor(minSpacing / 2) of `index`. */
  readonly probability: number;
}

export function smoothedChangepoints(posterior: ArrayLike<number>, threshold: number, minSpacing: number): SmoothedChange[] {
  if (!(threshold > 0 && threshold <= 1)) throw new EngineError('invalid_input', expected('threshold in (0, 1]', threshold));
  if (!(Number.isInteger(minSpacing) && minSpacing >= 1)) throw new EngineError('invalid_input', expected('minSpacing an integer >= 1', minSpacing));
  const n = posterior.length;
  const half = Math.floor(minSpacing / 2);
  const floor = threshold / (2 * half + 1);
  const candidates: number[] = [];
  for (let t = 1; t < n; t += 1) if (posterior[t]! >= floor) candidates.push(t);
  candidates.sort((a, b) => posterior[b]! - posterior[a]! || a - b);

  const claimed = new Uint8Array(n);
  const reported: SmoothedChange[] = [];
  for (const t of candidates) {
    if (claimed[t] === 1) continue;
    let mass = 0;
    for (let i = Math.max(1, t - half); i <= Math.min(n - 1, t + half); i += 1) {
      if (claimed[i] === 1) continue;
      claimed[i] = 1;
      mass += posterior[i]!;
    }
    if (mass < threshold || reported.some((change) => Math.abs(change.index - t) < minSpacing)) continue;
    reported.push({ index: t, probability: Math.min(1, mass) });
  }
  return reported.sort((a, b) => a.index - b.index);
}
