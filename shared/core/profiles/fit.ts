import { EngineError, expected } from '../errors.js';
import { linearRegression, type Line } from '../stats/linear-regression.js';
import { quantileSorted } from '../stats/quantile-sorted.js';
import type { LatencyModel, LinearLatency } from '../types.js';

export interface FitOptions {
  /** Tail quantile the `p99` line stands for. Default 0.99. */
  readonly tailQuantile?: number;
  /** Ignore samples with larger batches (the fit is a line; keep it to the sizes the planner uses). */
  readonly maxBatch?: number;
  /** Keep at most this many relative residuals (evenly thinned). Default 1000. */
  readonly maxResiduals?: number;
}

export const DEFAULT_TAIL_QUANTILE = 0.99;

/**
 * Fits a lane's batch latency against batch size.
 *
 * Mean: ordinary least squares, constrained to be physically sensible (latency never falls with batch size:
 * a negative slope becomes a flat line through the mean; a negative intercept becomes a line through the
 * origin).
 *
 * Tail: the mean line scaled by (1 + r_q), r_q the q-quantile of the relative residuals (observed - mean) /
 * mean. Why relative: in the prototype's data the spread grows with the latency (FC at b=10 varies by
 * hundreds of ms, at b=1 by tens), so a multiplicative tail fits both ends, while an additive one would
 * overstate small batches. Chosen over quantile regression because the files have 5-40 samples per batch
 * size: a 99th-percentile line fitted directly would rest on one or two points per size; the pooled
 * residual quantile uses all of them. The tail line is never below the mean.
 */
export function fitLatencyModel(samples: ReadonlyArray<{ readonly batch: number; readonly latencyMs: number }>, options: FitOptions = {}): LatencyModel {
  const tailQuantile = options.tailQuantile ?? DEFAULT_TAIL_QUANTILE;
  if (!(tailQuantile > 0 && tailQuantile < 1)) throw new EngineError('invalid_input', expected('a tail quantile in (0, 1)', tailQuantile));
  const maxBatch = options.maxBatch ?? Infinity;
  const used = samples.filter((sample) => sample.batch <= maxBatch);
  if (used.length < 2) throw new EngineError('invalid_input', `Expected at least 2 samples to fit a latency line, got ${used.length}`);
  const mean = sensibleLine(linearRegression(used.map((s) => s.batch), used.map((s) => s.latencyMs)), used);
  const predict = (batch: number) => mean.baseMs + mean.perItemMs * batch;
  let squared = 0;
  const residuals: number[] = [];
  for (const sample of used) {
    const fitted = predict(sample.batch);
    squared += (sample.latencyMs - fitted) ** 2;
    // A lane that answers in no measurable time (a stand-in) has nothing to scale: no spread, not NaN.
    residuals.push(fitted > 0 ? (sample.latencyMs - fitted) / fitted : 0);
  }
  return {
    mean,
    p99: tailLine(mean, residuals, tailQuantile),
    relativeResiduals: thin(residuals, options.maxResiduals ?? 1000),
    samples: used.length,
    rmseMs: Math.sqrt(squared / used.length),
  };
}

/** The mean line scaled by one plus the q-quantile of the relative residuals (at least the mean). */
export function tailLine(mean: LinearLatency, relativeResiduals: readonly number[], tailQuantile: number): LinearLatency {
  const factor = relativeResiduals.length === 0 ? 1 : 1 + Math.max(0, quantileSorted([...relativeResiduals].sort((a, b) => a - b), tailQuantile));
  return { baseMs: mean.baseMs * factor, perItemMs: mean.perItemMs * factor };
}

function sensibleLine(line: Line, samples: ReadonlyArray<{ readonly batch: number; readonly latencyMs: number }>): LinearLatency {
  if (line.slope < 0) {
    return { baseMs: samples.reduce((sum, s) => sum + s.latencyMs, 0) / samples.length, perItemMs: 0 };
  }
  if (line.intercept < 0) {
    // Least squares through the origin: slope = sum(x y) / sum(x^2).
    let xy = 0;
    let xx = 0;
    for (const s of samples) {
      xy += s.batch * s.latencyMs;
      xx += s.batch * s.batch;
    }
    return { baseMs: 0, perItemMs: xy / xx };
  }
  return { baseMs: line.intercept, perItemMs: line.slope };
}

/** At most `max` values, evenly spaced through the list (keeps the distribution's shape, deterministically). */
export function thin(values: readonly number[], max: number): number[] {
  if (values.length <= max) return [...values];
  const kept: number[] = [];
  for (let i = 0; i < max; i += 1) kept.push(values[Math.floor((i * values.length) / max)]!);
  return kept;
}
