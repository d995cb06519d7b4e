/**
 * Detection-quality harness: seeded piecewise-constant synthetic series with known changepoints, and the
 * scoring of detections against them. Used by the tests (bounds) and the bench (the full table).
 *
 * Scoring: a true change at c counts as detected by the first unused detection reported within
 * [c, c + maxDelay] whose location lies within maxDelay of c; the delay is detectedAt - c (0: flagged at the
 * first observation of the new segment). Detections that match no change are false alarms.
 */
import type { Random } from '../random.js';
import type { DetectedChange } from './rule.js';

export interface SyntheticSeries {
  readonly values: Float64Array;
  /** 0-based indices of the first observation of each new segment. */
  readonly changes: number[];
}

export interface PiecewiseOptions {
  /** Segments (>= 1). */
  readonly segments: number;
  /** Mean segment length; actual lengths are uniform in [0.5, 1.5] times it. */
  readonly segmentLength: number;
}

/** Segment boundaries with seeded lengths. */
function boundaries(random: Random, { segments, segmentLength }: PiecewiseOptions): number[] {
  const starts = [0];
  for (let s = 1; s < segments; s += 1) starts.push(starts[s - 1]! + Math.round(segmentLength * (0.5 + random.next())));
  starts.push(starts[segments - 1]! + Math.round(segmentLength * (0.5 + random.next())));
  return starts;
}

/**
 * Series like the engine's inputs, for speed and pruning-error measurements: a new level every `segment`
 * observations, uniform in [0, 1), giving counts at 20-80 per bin (Poisson) or log-bandwidth N(1 + level,
 * 0.3^2) (Gaussian).
 */
export function levelSeries(random: Random, model: 'poisson' | 'gaussian', length: number, segment = 500): Float64Array {
  const values = new Float64Array(length);
  let level = 0;
  for (let i = 0; i < length; i += 1) {
    if (i % segment === 0) level = random.next();
    values[i] = model === 'poisson' ? random.poisson(20 + 60 * level) : random.normal(1 + level, 0.3);
  }
  return values;
}

export interface QualityScenario {
  readonly scenario: string;
  readonly model: 'poisson' | 'gaussian';
  readonly build: (seed: number) => SyntheticSeries;
}

/**
 * The bench's piecewise scenarios: Poisson rates 5, 20 and 200 per bin alternating with 1.25 to 4 times
 * that (or stationary), and N(1.6, 0.3^2) alternating with a shifted mean or a scaled sd; 40 segments of
 * 300 +- 50 % observations each.
 */
export function qualityScenarios(createRandom: (seed: number) => Random): QualityScenario[] {
  const layout = { segments: 40, segmentLength: 300 };
  const scenarios: QualityScenario[] = [];
  for (const baseRate of [5, 20, 200]) {
    for (const factor of [1, 1.25, 1.5, 2, 4]) {
      scenarios.push({
        scenario: `Poisson ${baseRate}/bin ${factor === 1 ? 'stationary' : `x${factor}`}`,
        model: 'poisson',
        build: (seed) => piecewisePoisson(createRandom(seed * 1000 + baseRate * 10 + factor), { ...layout, baseRate, factor }),
      });
    }
  }
  for (const [meanShift, sdFactor] of [[0, 1], [0.5, 1], [1, 1], [2, 1], [4, 1], [0, 1.5], [0, 2], [0, 4]] as const) {
    scenarios.push({
      scenario: meanShift === 0 && sdFactor === 1 ? 'Gaussian stationary' : meanShift > 0 ? `Gaussian mean +${meanShift} sd` : `Gaussian sd x${sdFactor}`,
      model: 'gaussian',
      build: (seed) => piecewiseGaussian(createRandom(seed * 1000 + meanShift * 100 + sdFactor), { ...layout, mean: 1.6, sd: 0.3, meanShift, sdFactor }),
    });
  }
  return scenarios;
}

/** Poisson counts whose rate alternates between `baseRate` and `baseRate * factor` (factor 1: stationary). */
export function piecewisePoisson(random: Random, options: PiecewiseOptions & { baseRate: number; factor: number }): SyntheticSeries {
  const starts = boundaries(random, options);
  const values = new Float64Array(starts[starts.length - 1]!);
  for (let s = 0; s < options.segments; s += 1) {
    const rate = s % 2 === 0 ? options.baseRate : options.baseRate * options.factor;
    for (let i = starts[s]!; i < starts[s + 1]!; i += 1) values[i] = random.poisson(rate);
  }
  return { values, changes: options.factor === 1 ? [] : starts.slice(1, options.segments) };
}

/**
 * Normal values alternating between N(mean, sd) and N(mean + meanShift * sd, (sd * sdFactor)^2); meanShift 0
 * and sdFactor 1 give a stationary series.
 */
export function piecewiseGaussian(
  random: Random,
  options: PiecewiseOptions & { mean: number; sd: number; meanShift: number; sdFactor: number },
): SyntheticSeries {
  const starts = boundaries(random, options);
  const values = new Float64Array(starts[starts.length - 1]!);
  for (let s = 0; s < options.segments; s += 1) {
    const shifted = s % 2 === 1;
    const mean = shifted ? options.mean + options.meanShift * options.sd : options.mean;
    const sd = shifted ? options.sd * options.sdFactor : options.sd;
    for (let i = starts[s]!; i < starts[s + 1]!; i += 1) values[i] = random.normal(mean, sd);
  }
  const stationary = options.meanShift === 0 && options.sdFactor === 1;
  return { values, changes: stationary ? [] : starts.slice(1, options.segments) };
}

export interface DetectionScore {
  readonly changes: number;
  readonly detected: number;
  /** detected / changes (NaN without changes). */
  readonly detectionRate: number;
  /** Mean of detectedAt - change over detected changes (NaN if none). */
  readonly meanDelay: number;
  /** Median delay (NaN if none). */
  readonly medianDelay: number;
  /** Mean |reported location - true change| over detected changes. */
  readonly meanLocationError: number;
  readonly falseAlarms: number;
  readonly observations: number;
  readonly falseAlarmsPer10k: number;
}

export function scoreDetections(detections: readonly DetectedChange[], changes: readonly number[], observations: number, maxDelay: number): DetectionScore {
  const used = new Uint8Array(detections.length);
  const delays: number[] = [];
  let locationError = 0;
  for (const change of changes) {
    for (let d = 0; d < detections.length; d += 1) {
      const detection = detections[d]!;
      if (used[d] === 1 || detection.detectedAt < change) continue;
      if (detection.detectedAt > change + maxDelay) break;
      if (Math.abs(detection.index - change) > maxDelay) continue;
      used[d] = 1;
      delays.push(detection.detectedAt - change);
      locationError += Math.abs(detection.index - change);
      break;
    }
  }
  const falseAlarms = used.reduce((sum, flag) => sum + (flag === 1 ? 0 : 1), 0);
  const sorted = [...delays].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    changes: changes.length,
    detected: delays.length,
    detectionRate: changes.length === 0 ? Number.NaN : delays.length / changes.length,
    meanDelay: delays.length === 0 ? Number.NaN : delays.reduce((a, b) => a + b, 0) / delays.length,
    medianDelay: sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    meanLocationError: delays.length === 0 ? Number.NaN : locationError / delays.length,
    falseAlarms,
    observations,
    falseAlarmsPer10k: (falseAlarms / observations) * 10_000,
  };
}

/** F1 of matched detections: 2 detected / (2 detected + false alarms + missed changes). */
export function detectionF1(score: DetectionScore): number {
  return (2 * score.detected) / (2 * score.detected + score.falseAlarms + (score.changes - score.detected));
}

/** Adds scores of several runs (e.g. several seeds) into one. */
export function combineScores(scores: readonly DetectionScore[], delaysWeighted = true): DetectionScore {
  const changes = scores.reduce((a, s) => a + s.changes, 0);
  const detected = scores.reduce((a, s) => a + s.detected, 0);
  const falseAlarms = scores.reduce((a, s) => a + s.falseAlarms, 0);
  const observations = scores.reduce((a, s) => a + s.observations, 0);
  const weighted = (key: 'meanDelay' | 'meanLocationError') =>
    detected === 0 ? Number.NaN : scores.reduce((a, s) => a + (s.detected > 0 ? s[key] * (delaysWeighted ? s.detected : 1) : 0), 0) / detected;
  const medians = scores.filter((s) => s.detected > 0).map((s) => s.medianDelay).sort((a, b) => a - b);
  return {
    changes,
    detected,
    detectionRate: changes === 0 ? Number.NaN : detected / changes,
    meanDelay: weighted('meanDelay'),
    medianDelay: medians.length === 0 ? Number.NaN : medians[medians.length >> 1]!,
    meanLocationError: weighted('meanLocationError'),
    falseAlarms,
    observations,
    falseAlarmsPer10k: observations === 0 ? 0 : (falseAlarms / observations) * 10_000,
  };
}
