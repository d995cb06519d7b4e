/**
 * Segmentation covering (Arbelaez, Maire, Fowlkes and Malik, "Contour detection and hierarchical image
 * segmentation", IEEE TPAMI 2011, eq. 8), averaged over annotators as in van den Burg and Williams, "An
 * Evaluation of Change Point Detection Algorithms" (2020, arXiv:2003.06222, section 4.1).
 *
 * Changepoints 0 < c_1 < ... < c_m < n split the indices 0..n-1 into consecutive segments (a changepoint is
 * the first index of a segment; 0 and points outside [1, n) are ignored). The covering of a ground-truth
 * partition S by a predicted one S' is
 *
 *   C(S', S) = (1/n) sum_{A in S} |A| max_{A' in S'} J(A, A'),    J(A, A') = |A ∩ A'| / |A ∪ A'|,
 *
 * and the score is the mean of C(S', S_k) over the K annotators' partitions S_k. It rewards predicted
 * segments that line up with the true ones, whatever the exact positions of the boundaries.
 */
import { EngineError, expected } from '../../errors.js';

/** Segment boundaries [0, c_1, ..., c_m, n] from changepoints (sorted, distinct, inside (0, n)). */
export function segmentBounds(changepoints: readonly number[], n: number): number[] {
  const inside = [...new Set(changepoints)].filter((c) => c > 0 && c < n).sort((a, b) => a - b);
  return [0, ...inside, n];
}

/** C(S', S) for partitions given by their bounds; segments are intervals, so J is computed from endpoints. */
export function coverSingle(predicted: readonly number[], truth: readonly number[]): number {
  const n = truth[truth.length - 1]!;
  let total = 0;
  let j = 0;
  for (let i = 0; i + 1 < truth.length; i += 1) {
    const start = truth[i]!;
    const end = truth[i + 1]!;
    // Skip predicted segments that end before this one starts; only overlapping ones have J > 0.
    while (predicted[j + 1]! <= start) j += 1;
    let best = 0;
    for (let k = j; k + 1 < predicted.length && predicted[k]! < end; k += 1) {
      const intersection = Math.min(end, predicted[k + 1]!) - Math.max(start, predicted[k]!);
      const union = Math.max(end, predicted[k + 1]!) - Math.min(start, predicted[k]!);
      best = Math.max(best, intersection / union);
    }
    total += (end - start) * best;
  }
  return total / n;
}

/** Mean covering of each annotator's segmentation of 0..n-1 by the one `detections` gives. */
export function covering(annotations: readonly (readonly number[])[], detections: readonly number[], n: number): number {
  if (annotations.length === 0) throw new EngineError('invalid_input', expected('at least one annotator', 0));
  if (!(Number.isInteger(n) && n >= 1)) throw new EngineError('invalid_input', expected('a series length an integer >= 1', n));
  const predicted = segmentBounds(detections, n);
  let sum = 0;
  for (const annotator of annotations) sum += coverSingle(predicted, segmentBounds(annotator, n));
  return sum / annotations.length;
}
