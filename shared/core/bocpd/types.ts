/** The detector's public shapes: what each step reports, the detector itself, and its stored record. */
import type { ConjugateModel, ModelRecord } from './model.js';
import type { ResolvedDetectorOptions } from './options.js';

/** What the detector reports after each observation. */
export interface StepOutput {
  /** 0-based index of the observation just processed. */
  readonly index: number;
  /**
   * Posterior probability that the current segment began within the last `changeWindow` observations and
   * after the first: P(1 <= r_t <= min(changeWindow, t) | x_1..t). High right after a change (and for up to
   * `changeWindow` steps), low in a long stable segment.
   */
  readonly changeProbability: number;
  /** The most probable run length among those counted in `changeProbability`; 0 when none is kept. */
  readonly recentRunLength: number;
  /** The most probable run length overall (MAP). */
  readonly mapRunLength: number;
  /**
   * Posterior mean of the current segment's parameter given x_1..t: the rate per unit exposure (Poisson) or
   * the mean (Gaussian); the mean of the next observation's predictive if no change occurs first.
   */
  readonly predictiveMean: number;
  /** ln p(x_t | x_1..t-1), the one-step predictive log density (log mass for counts) of x_t. */
  readonly logPredictive: number;
}

/** A compact JSON-able snapshot from which a detector resumes exactly. */
export interface DetectorRecord {
  readonly version: 1;
  readonly model: ModelRecord;
  readonly options: {
    readonly expectedSegmentLength: number;
    /** null stands for Infinity (no cap). */
    readonly maxRunLengths: number | null;
    readonly pruneThreshold: number;
    readonly changeWindow: number;
  };
  /** Observations processed. */
  readonly steps: number;
  /** Kept hypotheses' run lengths: the longest (= steps) first, the others in no particular order. */
  readonly runLengths: number[];
  /** Their normalised log posterior probabilities. */
  readonly logProbabilities: number[];
  /**
   * The same probabilities exactly as the detector holds them (a logarithm does not round-trip), so a
   * restored detector continues bit for bit. Optional: records written before it existed resume from
   * `logProbabilities`.
   */
  readonly probabilities?: number[];
  /** Their model statistics, `model.statCount` numbers each, concatenated. */
  readonly stats: number[];
}

/**
 * A detector is also the last step's output (its fields read the most recent observation's values), so a
 * hot loop can call `step` and hand the detector itself to a ChangepointRule without allocating.
 */
export interface Detector extends Readonly<StepOutput> {
  /** Feeds one observation (with its exposure, for counts over unequal bins; default 1). */
  update(x: number, exposure?: number): StepOutput;
  /** Like `update` without building the output object; returns changeProbability. */
  step(x: number, exposure?: number): number;
  toRecord(): DetectorRecord;
  /** The current posterior over run lengths (kept hypotheses only), longest first, then in no particular order. */
  runLengthPosterior(): { runLengths: number[]; probabilities: number[] };
  /** Observations processed so far. */
  readonly steps: number;
  /** Run-length hypotheses currently kept. */
  readonly hypotheses: number;
  readonly model: ConjugateModel;
  readonly options: ResolvedDetectorOptions;
}
