/** The recursion's tuning options, with documented defaults, validated once. */
import { EngineError, expected } from '../errors.js';

export interface DetectorOptions {
  /**
   * Expected segment length lambda, in observations (> 1): the constant hazard is 1/lambda, the prior
   * probability that any given observation starts a new segment. Default 250 (about four minutes of
   * per-second bins).
   */
  readonly expectedSegmentLength?: number;
  /**
   * Most run-length hypotheses kept after each step (>= 2, or Infinity for the exact recursion). When more
   * remain, one is merged into a neighbouring run length (merge.ts), never the longest run (the "no change
   * since the start" hypothesis). Bounds the work per observation. Default 24: the bench measures the
   * largest change-probability error against the exact recursion at each setting.
   */
  readonly maxRunLengths?: number;
  /**
   * Hypotheses with posterior probability below this are merged into a neighbour too (0: only the cap
   * prunes). Default 1e-9.
   */
  readonly pruneThreshold?: number;
  /**
   * `changeProbability` is the posterior mass on run lengths of at most this many observations (the
   * current segment began within the last `changeWindow` observations, after the first). Default 50, which
   * covers the delay of the subtlest changes the defaults can detect (see the quality bench).
   */
  readonly changeWindow?: number;
}

export interface ResolvedDetectorOptions {
  readonly expectedSegmentLength: number;
  readonly maxRunLengths: number;
  readonly pruneThreshold: number;
  readonly changeWindow: number;
}

export const DEFAULT_DETECTOR_OPTIONS: ResolvedDetectorOptions = Object.freeze({
  expectedSegmentLength: 250,
  maxRunLengths: 24,
  pruneThreshold: 1e-9,
  changeWindow: 50,
});

export function resolveDetectorOptions(options: DetectorOptions = {}): ResolvedDetectorOptions {
  const resolved: ResolvedDetectorOptions = {
    expectedSegmentLength: options.expectedSegmentLength ?? DEFAULT_DETECTOR_OPTIONS.expectedSegmentLength,
    maxRunLengths: options.maxRunLengths ?? DEFAULT_DETECTOR_OPTIONS.maxRunLengths,
    pruneThreshold: options.pruneThreshold ?? DEFAULT_DETECTOR_OPTIONS.pruneThreshold,
    changeWindow: options.changeWindow ?? DEFAULT_DETECTOR_OPTIONS.changeWindow,
  };
  const { expectedSegmentLength, maxRunLengths, pruneThreshold, changeWindow } = resolved;
  if (!(expectedSegmentLength > 1) || !Number.isFinite(expectedSegmentLength)) {
    throw new EngineError('invalid_input', expected('expectedSegmentLength (hazard 1/lambda) a finite number > 1', expectedSegmentLength));
  }
  if (!(maxRunLengths === Infinity || (Number.isInteger(maxRunLengths) && maxRunLengths >= 2))) {
    throw new EngineError('invalid_input', expected('maxRunLengths an integer >= 2 or Infinity', maxRunLengths));
  }
  if (!(pruneThreshold >= 0 && pruneThreshold < 1)) throw new EngineError('invalid_input', expected('pruneThreshold in [0, 1)', pruneThreshold));
  if (!(Number.isInteger(changeWindow) && changeWindow >= 1)) throw new EngineError('invalid_input', expected('changeWindow an integer >= 1', changeWindow));
  return resolved;
}
