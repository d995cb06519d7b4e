/**
 * What the BOCPD recursion needs of an observation model: a conjugate prior whose posterior after any run of
 * observations is summarised by a fixed number of numbers ("statistics"), and the log of the posterior
 * predictive density. The recursion keeps one block of `statCount` numbers per run-length hypothesis in one
 * Float64Array and calls the model once per observation for all hypotheses, so a model's inner loop stays
 * monomorphic and allocation-free. A third model is added by implementing this interface (and registering a
 * factory for `restoreDetector`); the recursion does not change.
 */

/** A model's identity and parameters, enough to rebuild it: part of the detector's record. */
export interface ModelRecord {
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
}

export interface ConjugateModel {
  /** Registry name ('poisson', 'gaussian', ...). */
  readonly name: string;
  /** Numbers kept per run-length hypothesis (sufficient statistics plus cached logarithms). */
  readonly statCount: number;
  /** Throws EngineError invalid_input when `x` (with `exposure`) is not a valid observation for this model. */
  validate(x: number, exposure: number): void;
  /** Writes the prior's statistics into block `slot` of `stats`. */
  writePrior(stats: Float64Array, slot: number): void;
  /**
   * For every block in [from, to): writes ln p(x | that block's statistics) into `logPredictive[slot]`, then
   * updates the block in place to include x, and writes the updated posterior mean of the segment's
   * parameter (the rate per unit exposure, or the mean) into `mean[slot]`. `counts[slot]`, when given, is how
   * many observations the block already holds (its run length), which a model may use to look up terms that
   * depend on that count alone; it must give the same result without it.
   */
  observe(
    stats: Float64Array,
    from: number,
    to: number,
    x: number,
    exposure: number,
    logPredictive: Float64Array,
    mean: Float64Array,
    counts?: Float64Array,
  ): void;
  /** Checks one block read back from a record (finite, in range); throws EngineError invalid_input if not. */
  validateStats(stats: Float64Array, slot: number): void;
  toRecord(): ModelRecord;
}

/** Rebuilds a model from its record's parameters (validating them). */
export type ModelFactory = (params: Readonly<Record<string, number>>) => ConjugateModel;
