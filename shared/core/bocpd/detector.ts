/**
 * Bayesian online changepoint detection (Adams and MacKay, "Bayesian online changepoint detection", 2007,
 * arXiv:0710.3742), with bounded work per observation.
 *
 * Run length r_t is the number of observations, up to and including x_t, that belong to the current
 * segment: r_t = 1 means x_t starts a segment, r_t = t + 1 (0-based t) means no change since the start.
 * (Adams and MacKay count the change after x_t instead; with a constant hazard their P(r_t = 0) equals the
 * hazard whatever the data, so it says nothing.) With hazard H = 1/lambda and pi_r(x) the model's predictive
 * of x after the r observations of a run,
 *
 *   P(r_t = r + 1, x_1..t) = P(r_{t-1} = r, x_1..t-1) (1 - H) pi_r(x_t)         (the run grows)
 *   P(r_t = 1,     x_1..t) = sum_r P(r_{t-1} = r, x_1..t-1) H pi_prior(x_t)     (a new segment starts at t)
 *
 * normalised over r at every step. The posterior is kept as plain probabilities and each step multiplies
 * them by exp(ln pi_r(x_t) - ln pi_prior(x_t)), so one exp per hypothesis is the only transcendental the
 * recursion adds to the model's own; should the sum ever overflow, that step is redone in log space. The
 * evidence ln p(x_t | x_1..t-1) is ln pi_prior(x_t) plus the log of the sum.
 *
 * Hypotheses are kept in order of run length, longest first (slot 0: no change since the start); merge.ts
 * bounds their number. Cost per observation: O(maxRunLengths), and no allocation outside `update`'s result.
 */
import { EngineError, expected } from '../errors.js';
import { countBelow, mergeSlots, weakestAbove, type RunLengthArrays } from './merge.js';
import { reweighInLogSpace } from './log-space.js';
import * as expModule from './math/exp.js';
import type { ConjugateModel } from './model.js';
import { resolveDetectorOptions, type DetectorOptions, type ResolvedDetectorOptions } from './options.js';
import type { Detector, DetectorRecord, StepOutput } from './types.js';

export type { Detector, DetectorRecord, StepOutput } from './types.js';

// A module-local copy: tsx compiles imports into getter calls, which would run in the inner loop.
const { fastExp } = expModule;

export function createDetector(model: ConjugateModel, options?: DetectorOptions): Detector {
  return new BocpdDetector(model, resolveDetectorOptions(options));
}

/** Rebuilds a detector from its record and its (already rebuilt) model; see record.ts for the checks. */
export function detectorFromState(
  model: ConjugateModel,
  options: ResolvedDetectorOptions,
  steps: number,
  runLengths: readonly number[],
  logProbabilities: readonly number[],
  stats: readonly number[],
  probabilities?: readonly number[],
): Detector {
  const detector = new BocpdDetector(model, options);
  detector.load(steps, runLengths, probabilities ?? logProbabilities.map((l) => Math.exp(l)), stats, probabilities === undefined);
  return detector;
}

/** Below this a hypothesis's probability is held at it, so its logarithm stays finite in records. */
const PROBABILITY_FLOOR = 1e-300;
/** A step whose unnormalised weights sum past this is redone in log space. */
const OVERFLOW = 1e280;
// Where each output sits in the detector's `last` array, and the weakest cost's fraction in `scratch`.
const [CHANGE, RECENT, MAP, MEAN, EVIDENCE] = [0, 1, 2, 3, 4] as const;
const [COST_TOP, COST_BOTTOM] = [0, 1] as const;

class BocpdDetector implements Detector {
  private readonly statCount: number;
  private readonly hazard: number;
  private readonly growth: number;
  private count = 0;
  private stepCount = 0;
  private capacity = 0;
  // Per hypothesis (slot), longest run first: run length, probability, statistics, mean; per-step scratch.
  private runLengths: Float64Array = new Float64Array(0);
  private probs: Float64Array = new Float64Array(0);
  private stats: Float64Array = new Float64Array(0);
  private means: Float64Array = new Float64Array(0);
  private logPredictives: Float64Array = new Float64Array(0);
  private weights: Float64Array = new Float64Array(0);
  private marks: Uint8Array = new Uint8Array(0);
  /** The same arrays as one object for merge.ts, rebuilt when they grow. */
  private slots!: RunLengthArrays;
  /** The last step's outputs (StepOutput), behind getters: a typed array is written in place, no boxing. */
  private readonly last = new Float64Array(5);
  private readonly scratch = new Float64Array(2);

  constructor(
    readonly model: ConjugateModel,
    readonly options: ResolvedDetectorOptions,
  ) {
    this.statCount = model.statCount;
    this.hazard = 1 / options.expectedSegmentLength;
    this.growth = 1 - this.hazard;
    this.ensureCapacity(Math.min(options.maxRunLengths, 1024) + 1);
  }

  get steps(): number {
    return this.stepCount;
  }

  get hypotheses(): number {
    return this.count;
  }

  get index(): number {
    return this.stepCount - 1;
  }

  get changeProbability(): number {
    return this.last[CHANGE]!;
  }

  get recentRunLength(): number {
    return this.last[RECENT]!;
  }

  get mapRunLength(): number {
    return this.last[MAP]!;
  }

  get predictiveMean(): number {
    return this.last[MEAN]!;
  }

  get logPredictive(): number {
    return this.last[EVIDENCE]!;
  }

  update(x: number, exposure = 1): StepOutput {
    this.step(x, exposure);
    return {
      index: this.stepCount - 1,
      changeProbability: this.changeProbability,
      recentRunLength: this.recentRunLength,
      mapRunLength: this.mapRunLength,
      predictiveMean: this.predictiveMean,
      logPredictive: this.logPredictive,
    };
  }

  step(x: number, exposure = 1): number {
    this.model.validate(x, exposure);
    const n = this.count;
    if (n + 1 > this.capacity) this.ensureCapacity(n + 1);
    const { runLengths, probs, stats, weights } = this;
    const logPredictive = this.logPredictives;

    // Predictives of x under every run (slot n: the prior, a new segment), and the posterior updates.
    this.model.writePrior(stats, n);
    runLengths[n] = 0;
    this.model.observe(stats, 0, n + 1, x, exposure, logPredictive, this.means, runLengths);

    // Joint weights, scaled by exp(-top), top = the prior's predictive (the new segment's): the new segment's
    // weight is then the hazard itself, so the sum cannot underflow, and a run's predictive would have to
    // beat the prior's by e^640 to overflow (then the step is redone in log space). The same pass ages the
    // runs and finds the hypothesis the cap would merge away: the one whose weight times its relative
    // distance in run length to the neighbour it would merge into is least (see merge.ts); comparing
    // fractions by cross-multiplying keeps divisions out of the loop.
    const top = logPredictive[n]!;
    const growth = this.growth;
    const window = this.options.changeWindow;
    // Minima are tracked by index, and the weakest cost as a fraction in a typed array: keeping doubles out of
    // variables that change inside the loop keeps V8 from boxing each new value.
    const best = this.scratch;
    best[COST_TOP] = Infinity;
    best[COST_BOTTOM] = 1;
    let weakest = -1;
    let lightest = 0;
    let sum = 0;
    for (let i = 0; i < n; i += 1) {
      const w = probs[i]! * growth * fastExp(logPredictive[i]! - top);
      weights[i] = w;
      sum += w;
      const before = runLengths[i]!;
      const r = before + 1;
      runLengths[i] = r;
      if (i === 0) continue;
      const longer = runLengths[i - 1]! - r;
      const next = runLengths[i + 1]!; // not aged yet
      const gap = r <= window || next >= window ? Math.min(longer, before - next) : longer;
      if (w * gap * best[COST_BOTTOM]! < best[COST_TOP]! * r) {
        best[COST_TOP] = w * gap;
        best[COST_BOTTOM] = r;
        weakest = i;
      }
      if (lightest === 0 || w < weights[lightest]!) lightest = i;
    }
    runLengths[n] = 1;
    // The new segment's joint weight is H pi_prior(x); the very first observation starts one with certainty.
    const fresh = n === 0 ? 1 : this.hazard;
    weights[n] = fresh;
    sum += fresh;
    if (n > 0) {
      if (fresh * (runLengths[n - 1]! - 1) * best[COST_BOTTOM]! < best[COST_TOP]!) weakest = n;
      if (lightest === 0 || fresh < weights[lightest]!) lightest = n;
    }
    let inverse = 1 / sum;
    let exact = true;
    if (sum <= OVERFLOW) this.last[EVIDENCE] = top + Math.log(sum);
    else {
      this.last[EVIDENCE] = top + reweighInLogSpace(probs, logPredictive, weights, n, top, this.hazard);
      inverse = 1;
      exact = false;
    }

    // Hypotheses below the threshold are merged too (rare: the cap usually binds first).
    const threshold = this.options.pruneThreshold / inverse;
    const below = !exact || (lightest > 0 && weights[lightest]! < threshold) ? countBelow(weights, n + 1, threshold) : 0;
    if (!exact || below > 0) weakest = weakestAbove(this.slots, n + 1, threshold, window);
    this.count = mergeSlots(this.slots, n + 1, threshold, this.options.maxRunLengths, window, below, weakest, this.marks);
    this.summarise(inverse);
    this.stepCount += 1;
    return this.changeProbability;
  }

  /** Normalises the kept weights into the posterior and computes the outputs (no transcendentals). */
  private summarise(inverse: number): void {
    const { runLengths, probs, weights, means, count } = this;
    const recentLimit = Math.min(this.options.changeWindow, this.stepCount);
    let total = 0;
    let recentSum = 0;
    let meanSum = 0;
    let mapSlot = 0;
    let recentSlot = -1;
    for (let i = 0; i < count; i += 1) {
      const p = Math.max(weights[i]! * inverse, PROBABILITY_FLOOR);
      probs[i] = p;
      total += p;
      meanSum += p * means[i]!;
      if (p > probs[mapSlot]!) mapSlot = i;
      if (runLengths[i]! <= recentLimit) {
        recentSum += p;
        if (recentSlot < 0 || p > probs[recentSlot]!) recentSlot = i;
      }
    }
    const last = this.last;
    last[CHANGE] = Math.min(1, Math.max(0, recentSum / total));
    last[RECENT] = recentSlot < 0 ? 0 : runLengths[recentSlot]!;
    last[MAP] = runLengths[mapSlot]!;
    last[MEAN] = meanSum / total;
  }

  runLengthPosterior(): { runLengths: number[]; probabilities: number[] } {
    return { runLengths: Array.from(this.runLengths.subarray(0, this.count)), probabilities: Array.from(this.probs.subarray(0, this.count)) };
  }

  toRecord(): DetectorRecord {
    const { expectedSegmentLength, maxRunLengths, pruneThreshold, changeWindow } = this.options;
    return {
      version: 1,
      model: this.model.toRecord(),
      options: { expectedSegmentLength, maxRunLengths: maxRunLengths === Infinity ? null : maxRunLengths, pruneThreshold, changeWindow },
      steps: this.stepCount,
      runLengths: Array.from(this.runLengths.subarray(0, this.count)),
      logProbabilities: Array.from(this.probs.subarray(0, this.count), (p) => Math.log(p)),
      probabilities: Array.from(this.probs.subarray(0, this.count)),
      stats: Array.from(this.stats.subarray(0, this.count * this.statCount)),
    };
  }

  /**
   * Loads a recorded state (already validated for shape by record.ts), sorting it longest run first;
   * probabilities read back from logarithms are renormalised, exact ones are taken as they are.
   */
  load(steps: number, runLengths: readonly number[], probabilities: readonly number[], stats: readonly number[], renormalise: boolean): void {
    const n = runLengths.length;
    if (n > this.options.maxRunLengths) {
      throw new EngineError('invalid_input', expected(`at most maxRunLengths (${this.options.maxRunLengths}) hypotheses`, n));
    }
    this.ensureCapacity(n + 1);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => runLengths[b]! - runLengths[a]!);
    const k = this.statCount;
    let total = 0;
    order.forEach((from, to) => {
      this.runLengths[to] = runLengths[from]!;
      this.probs[to] = probabilities[from]!;
      total += this.probs[to]!;
      this.stats.set(stats.slice(from * k, (from + 1) * k), to * k);
    });
    for (let i = 0; i < n; i += 1) {
      if (renormalise) this.probs[i] = Math.max(this.probs[i]! / total, PROBABILITY_FLOOR);
      this.model.validateStats(this.stats, i);
    }
    this.count = n;
    this.stepCount = steps;
  }

  /** Grows the arrays (doubling) so that `slots` hypotheses fit; allocation happens only here. */
  private ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    const capacity = Math.max(slots, this.capacity * 2);
    const grow = (old: Float64Array, width = 1): Float64Array => {
      const next = new Float64Array(capacity * width);
      next.set(old);
      return next;
    };
    this.runLengths = grow(this.runLengths);
    this.probs = grow(this.probs);
    this.stats = grow(this.stats, this.statCount);
    this.means = grow(this.means);
    this.logPredictives = grow(this.logPredictives);
    this.weights = grow(this.weights);
    this.marks = new Uint8Array(capacity);
    this.slots = { runLengths: this.runLengths, weights: this.weights, stats: this.stats, means: this.means, statCount: this.statCount };
    this.capacity = capacity;
  }
}
