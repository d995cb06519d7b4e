/**
 * Bayesian online changepoint detection (Adams and MacKay, "Bayesian online changepoint detection", 2007,
 * arXiv:0710.3742), in log space, with bounded work per observation.
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
 * normalised over r at every step, so log-probabilities stay near 0 and 10 million steps cannot underflow.
 * Slot 0 always holds the longest run (the first observation's segment); the order of the others is arbitrary.
 *
 * Bounding the work: after each step, hypotheses whose posterior probability is below `pruneThreshold` are
 * dropped, and while more than `maxRunLengths` remain the least probable one goes (one per step in steady
 * state: each step adds exactly one). Slot 0, the longest run, is never dropped: on a series without a change
 * it holds nearly all the mass. The survivors are renormalised. Cost per observation: O(maxRunLengths).
 */
import { EngineError, expected } from '../errors.js';
import type { ConjugateModel } from './model.js';
import { resolveDetectorOptions, type DetectorOptions, type ResolvedDetectorOptions } from './options.js';
import type { Detector, DetectorRecord, StepOutput } from './types.js';

export type { Detector, DetectorRecord, StepOutput } from './types.js';

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
): Detector {
  const detector = new BocpdDetector(model, options);
  detector.load(steps, runLengths, logProbabilities, stats);
  return detector;
}

class BocpdDetector implements Detector {
  private readonly statCount: number;
  private readonly logHazard: number;
  private readonly logGrowth: number;
  private count = 0;
  private stepCount = 0;
  /** ln of the sum of the stored (unnormalised) weights: subtract it to get log posterior probabilities. */
  private pendingLogNormaliser = 0;
  private capacity = 0;
  // Per hypothesis (slot): run length, normalised log posterior, model statistics; and per-step scratch.
  private runLengths: Float64Array = new Float64Array(0);
  private logProbs: Float64Array = new Float64Array(0);
  private stats: Float64Array = new Float64Array(0);
  private logPredictive: Float64Array = new Float64Array(0);
  private means: Float64Array = new Float64Array(0);
  private probs: Float64Array = new Float64Array(0);

  constructor(
    readonly model: ConjugateModel,
    readonly options: ResolvedDetectorOptions,
  ) {
    this.statCount = model.statCount;
    const hazard = 1 / options.expectedSegmentLength;
    this.logHazard = Math.log(hazard);
    this.logGrowth = Math.log1p(-hazard);
    this.ensureCapacity(Math.min(options.maxRunLengths, 1024) + 1);
  }

  get steps(): number {
    return this.stepCount;
  }

  get hypotheses(): number {
    return this.count;
  }

  update(x: number, exposure = 1): StepOutput {
    this.model.validate(x, exposure);
    const n = this.count;
    this.ensureCapacity(n + 1);
    const { runLengths, logProbs, stats, logPredictive, means, probs, statCount } = this;

    // Predictives of x under every run (slot n: the prior, the new segment), and the posterior updates.
    this.model.writePrior(stats, n);
    this.model.observe(stats, 0, n + 1, x, exposure, logPredictive, means);

    // Joint log weights. Stored log-probabilities are relative to the last step's normaliser (subtracted
    // here rather than in a pass of its own); the old weights then sum to 1.
    let max = -Infinity;
    const logGrowth = this.logGrowth;
    const pending = this.pendingLogNormaliser;
    for (let i = 0; i < n; i += 1) {
      const w = logProbs[i]! - pending + logGrowth + logPredictive[i]!;
      logProbs[i] = w;
      runLengths[i] = runLengths[i]! + 1;
      if (w > max) max = w;
    }
    // The new segment's joint weight is H pi_prior(x); the very first observation starts one with certainty.
    const fresh = n === 0 ? logPredictive[0]! : this.logHazard + logPredictive[n]!;
    logProbs[n] = fresh;
    runLengths[n] = 1;
    if (fresh > max) max = fresh;
    const total = n + 1;

    // Unnormalised probabilities and their sum, the weakest hypothesis other than the longest (slot 0), and
    // the outputs' sums over all hypotheses (corrected below for any that are dropped).
    const recentLimit = Math.min(this.options.changeWindow, this.stepCount);
    let sum = 0;
    let weakest = -1;
    let weakestProb = Infinity;
    let recentSum = 0;
    let meanSum = 0;
    let mapSlot = 0;
    let mapProb = -1;
    let recentSlot = -1;
    let recentProb = -1;
    for (let i = 0; i < total; i += 1) {
      const p = Math.exp(logProbs[i]! - max);
      probs[i] = p;
      sum += p;
      meanSum += p * means[i]!;
      if (p > mapProb) {
        mapProb = p;
        mapSlot = i;
      }
      if (runLengths[i]! <= recentLimit) {
        recentSum += p;
        if (p > recentProb) {
          recentProb = p;
          recentSlot = i;
        }
      }
      if (i > 0 && p < weakestProb) {
        weakestProb = p;
        weakest = i;
      }
    }
    const logEvidence = max + Math.log(sum);

    // Pruning drops every hypothesis below the threshold (slot 0 excepted); if it drops none and the cap is
    // exceeded, the weakest goes. One hypothesis arrives per step, so one departure restores the cap. A
    // dropped slot is refilled with the last one (order beyond slot 0 does not matter), so dropping costs
    // O(1) copies; outputs read from a dropped or moved slot are taken before the move.
    const threshold = this.options.pruneThreshold * sum;
    let keptSum = sum;
    let count = total;
    let mapRunLength = runLengths[mapSlot]!;
    let recentRunLength = recentSlot >= 0 ? runLengths[recentSlot]! : 0;
    if (weakestProb < threshold || total > this.options.maxRunLengths) {
      const pruning = weakestProb < threshold;
      let rescan = false;
      for (let i = count - 1; i >= 1; i -= 1) {
        const p = probs[i]!;
        if (pruning ? p >= threshold : i !== weakest) continue;
        keptSum -= p;
        meanSum -= p * means[i]!;
        if (runLengths[i]! <= recentLimit) recentSum -= p;
        if (i === mapSlot || i === recentSlot) rescan = true;
        const last = count - 1;
        if (i !== last) {
          runLengths[i] = runLengths[last]!;
          logProbs[i] = logProbs[last]!;
          probs[i] = probs[last]!;
          means[i] = means[last]!;
          const from = last * statCount;
          const to = i * statCount;
          for (let s = 0; s < statCount; s += 1) stats[to + s] = stats[from + s]!;
        }
        count -= 1;
        if (!pruning) break;
      }
      if (rescan) {
        // Slots moved: find the MAP and the recent MAP again among the survivors (O(count), no transcendentals).
        mapProb = -1;
        recentProb = -1;
        recentRunLength = 0;
        for (let i = 0; i < count; i += 1) {
          const p = probs[i]!;
          if (p > mapProb) {
            mapProb = p;
            mapRunLength = runLengths[i]!;
          }
          if (runLengths[i]! <= recentLimit && p > recentProb) {
            recentProb = p;
            recentRunLength = runLengths[i]!;
          }
        }
      }
    }
    this.count = count;
    this.stepCount += 1;
    this.pendingLogNormaliser = max + Math.log(keptSum);

    return {
      index: this.stepCount - 1,
      changeProbability: Math.min(1, Math.max(0, recentSum / keptSum)),
      recentRunLength,
      mapRunLength,
      predictiveMean: meanSum / keptSum,
      logPredictive: logEvidence,
    };
  }

  runLengthPosterior(): { runLengths: number[]; probabilities: number[] } {
    const runLengths: number[] = [];
    const probabilities: number[] = [];
    for (let i = 0; i < this.count; i += 1) {
      runLengths.push(this.runLengths[i]!);
      probabilities.push(Math.exp(this.logProbs[i]! - this.pendingLogNormaliser));
    }
    return { runLengths, probabilities };
  }

  toRecord(): DetectorRecord {
    const { expectedSegmentLength, maxRunLengths, pruneThreshold, changeWindow } = this.options;
    return {
      version: 1,
      model: this.model.toRecord(),
      options: { expectedSegmentLength, maxRunLengths: maxRunLengths === Infinity ? null : maxRunLengths, pruneThreshold, changeWindow },
      steps: this.stepCount,
      runLengths: Array.from(this.runLengths.subarray(0, this.count)),
      logProbabilities: Array.from(this.logProbs.subarray(0, this.count), (value) => value - this.pendingLogNormaliser),
      stats: Array.from(this.stats.subarray(0, this.count * this.statCount)),
    };
  }

  /** Loads a recorded state (already validated for shape by record.ts). */
  load(steps: number, runLengths: readonly number[], logProbabilities: readonly number[], stats: readonly number[]): void {
    const n = runLengths.length;
    if (n > this.options.maxRunLengths) {
      throw new EngineError('bad_request', expected(`at most maxRunLengths (${this.options.maxRunLengths}) hypotheses`, n));
    }
    this.ensureCapacity(n + 1);
    this.runLengths.set(runLengths);
    this.logProbs.set(logProbabilities);
    this.stats.set(stats);
    for (let i = 0; i < n; i += 1) this.model.validateStats(this.stats, i);
    this.count = n;
    this.stepCount = steps;
    this.pendingLogNormaliser = 0;
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
    this.logProbs = grow(this.logProbs);
    this.stats = grow(this.stats, this.statCount);
    this.logPredictive = grow(this.logPredictive);
    this.means = grow(this.means);
    this.probs = grow(this.probs);
    this.capacity = capacity;
  }
}
