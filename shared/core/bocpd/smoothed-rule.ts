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
 *
 * The change is placed at the median of that mass, not at the index that claimed it: the posterior median
 * minimises the expected distance to the true location, while the single most probable index is pulled to
 * one side when the mass is skewed (a gradual or noisy change spreads it over several indices).
 */
import { EngineError, expected } from '../errors.js';

/**
 * The default `threshold`: a change is reported at two-to-one odds, not at even odds as online. The posterior
 * comes from a model that takes a segment's observations as independent around one level; the noise of real
 * series is not (autocorrelation beyond what the standardisation's long-run correction covers, trends,
 * seasons), and a model that counts every observation as fresh evidence is overconfident, so its even-odds
 * changes include too many that are ordinary movement.
 */
export const DEFAULT_SMOOTHED_THRESHOLD = 2 / 3;

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

  // 0: free, 1: claimed by an earlier index, 2: claimed by the current one.
  const claimed = new Uint8Array(n);
  const reported: SmoothedChange[] = [];
  for (const t of candidates) {
    if (claimed[t] !== 0) continue;
    const from = Math.max(1, t - half);
    const to = Math.min(n - 1, t + half);
    let mass = 0;
    for (let i = from; i <= to; i += 1) {
      if (claimed[i] !== 0) continue;
      claimed[i] = 2;
      mass += posterior[i]!;
    }
    const index = massMedian(posterior, claimed, from, to, mass);
    for (let i = from; i <= to; i += 1) if (claimed[i] === 2) claimed[i] = 1;
    if (mass < threshold || reported.some((change) => Math.abs(change.index - index) < minSpacing)) continue;
    reported.push({ index, probability: Math.min(1, mass) });
  }
  return reported.sort((a, b) => a.index - b.index);
}

/** The first index of [from, to] claimed by the current index (mark 2) at which the claimed mass reaches half. */
function massMedian(posterior: ArrayLike<number>, claimed: Uint8Array, from: number, to: number, mass: number): number {
  let below = 0;
  let last = from;
  for (let i = from; i <= to; i += 1) {
    if (claimed[i] !== 2) continue;
    below += posterior[i]!;
    last = i;
    if (below >= mass / 2) return i;
  }
  return last;
}
