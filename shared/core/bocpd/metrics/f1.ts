/**
 * The F1 score of detected changepoints against several human annotators, exactly as defined by van den Burg
 * and Williams, "An Evaluation of Change Point Detection Algorithms" (2020, arXiv:2003.06222, section 4.1),
 * the metric of the Turing Change Point Dataset (TCPD) benchmark.
 *
 * Locations are 0-based indices of the first observation of a new segment. The start of the series, index 0,
 * is added to the detections X and to every annotator's set T_k (so a method that reports nothing on a
 * series nobody annotated scores a perfect 1). With a margin M (5 in the paper), TP(T, X) is the set of true
 * points tau in T matched to a detection x with |tau - x| <= M, each true point matched at most once and each
 * detection used at most once (tau takes its nearest unused x, the smaller on a tie; the true points are
 * taken in ascending order). With T* the union of the annotators' sets and K annotators:
 *
 *   P = |TP(T*, X)| / |X|,    R = (1/K) sum_k |TP(T_k, X)| / |T_k|,    F1 = 2 P R / (P + R).
 *
 * Precision is against the union (a detection any annotator marked is right); recall is averaged over
 * annotators (missing a point only some annotators marked costs in proportion).
 */
import { EngineError, expected } from '../../errors.js';

/** Default margin of the TCPD benchmark, in observations. */
export const F1_MARGIN = 5;

export interface F1Score {
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
}

/** Ascending distinct integers, with 0 added. */
function withStart(locations: Iterable<number>): number[] {
  const set = new Set<number>([0]);
  for (const location of locations) {
    if (!Number.isInteger(location)) throw new EngineError('invalid_input', expected('changepoint locations as integers', location));
    set.add(location);
  }
  return [...set].sort((a, b) => a - b);
}

/** |TP(T, X)|: true points (ascending) each matched to their nearest unused detection within the margin. */
export function countTruePositives(truths: readonly number[], detections: readonly number[], margin: number): number {
  const used = new Uint8Array(detections.length);
  let matched = 0;
  for (const tau of truths) {
    let best = -1;
    let bestDistance = Infinity;
    for (let i = 0; i < detections.length; i += 1) {
      const distance = Math.abs(tau - detections[i]!);
      // Detections are ascending, so on a tie the first (smaller) one is kept.
      if (used[i] === 0 && distance <= margin && distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    if (best >= 0) {
      used[best] = 1;
      matched += 1;
    }
  }
  return matched;
}

/** F1 (with precision and recall) of `detections` against each annotator's changepoints in `annotations`. */
export function f1Score(annotations: readonly (readonly number[])[], detections: readonly number[], margin = F1_MARGIN): F1Score {
  if (annotations.length === 0) throw new EngineError('invalid_input', expected('at least one annotator', 0));
  if (!(Number.isInteger(margin) && margin >= 0)) throw new EngineError('invalid_input', expected('a margin an integer >= 0', margin));
  const x = withStart(detections);
  const perAnnotator = annotations.map(withStart);
  const union = withStart(perAnnotator.flat());
  const precision = countTruePositives(union, x, margin) / x.length;
  let recallSum = 0;
  for (const truths of perAnnotator) recallSum += countTruePositives(truths, x, margin) / truths.length;
  const recall = recallSum / perAnnotator.length;
  // 0 is in both sets, so precision and recall are both > 0.
  return { f1: (2 * precision * recall) / (precision + recall), precision, recall };
}
