/**
 * How far a pruned detector strays from a reference (the exact recursion, or one pruned far less) on the
 * same series: the largest absolute difference in the change probability and in the log evidence, step by
 * step. The bench reports it for the defaults; a test bounds it.
 */
import type { Detector } from './types.js';

export interface DetectorDifference {
  readonly changeProbability: number;
  readonly logPredictive: number;
  /** The most hypotheses the reference held at once. */
  readonly referenceHypotheses: number;
}

export function worstDifference(pruned: Detector, reference: Detector, values: ArrayLike<number>): DetectorDifference {
  let change = 0;
  let evidence = 0;
  let hypotheses = 0;
  for (let i = 0; i < values.length; i += 1) {
    change = Math.max(change, Math.abs(pruned.step(values[i]!) - reference.step(values[i]!)));
    evidence = Math.max(evidence, Math.abs(pruned.logPredictive - reference.logPredictive));
    hypotheses = Math.max(hypotheses, reference.hypotheses);
  }
  return { changeProbability: change, logPredictive: evidence, referenceHypotheses: hypotheses };
}
