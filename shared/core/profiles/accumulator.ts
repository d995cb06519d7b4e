import { EngineError, expected } from '../errors.js';
import type { LatencyModel } from '../types.js';
import { DEFAULT_TAIL_QUANTILE, tailLine } from './fit.js';

export interface AccumulatorOptions {
  /** Residuals kept for the tail (most recent first out). Default 500. */
  readonly maxResiduals?: number;
  readonly tailQuantile?: number;
  /**
   * Weight the prior model counts for when seeding from it (in samples). Default min(model.samples, 50):
   * enough that a handful of odd batches do not swing the plan, little enough that a few hundred real
   * batches from the edge agent take over.
   */
  readonly priorWeight?: number;
}

/** What the accumulator persists (JSON-able, for the state store). */
export interface AccumulatorRecord {
  readonly sums: readonly [n: number, x: number, y: number, xx: number, xy: number, yy: number];
  readonly residuals: readonly number[];
}

/**
 * Online latency fit: weighted running sums for the least-squares line (so each sample costs O(1) and the
 * state is six numbers) plus a bounded ring of recent relative residuals for the tail. Residuals are taken
 * against the fit as it stood when the sample arrived, which is what an online predictor would have erred by.
 */
export class LatencyAccumulator {
  private n = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;
  private syy = 0;
  private residuals: number[] = [];
  private readonly maxResiduals: number;
  private readonly tailQuantile: number;

  constructor(options: AccumulatorOptions = {}) {
    this.maxResiduals = options.maxResiduals ?? 500;
    this.tailQuantile = options.tailQuantile ?? DEFAULT_TAIL_QUANTILE;
    if (!(Number.isInteger(this.maxResiduals) && this.maxResiduals >= 1)) throw new EngineError('invalid_input', expected('maxResiduals, an integer >= 1', this.maxResiduals));
    if (!(this.tailQuantile > 0 && this.tailQuantile < 1)) throw new EngineError('invalid_input', expected('a tail quantile in (0, 1)', this.tailQuantile));
  }

  /**
   * Seeds the sums with pseudo-samples that reproduce the model's mean line and RMSE exactly: four points of
   * weight w/4, at b = 1 and b = 16 (a span the planner uses), each at the mean plus and minus the RMSE.
   */
  static fromModel(model: LatencyModel, options: AccumulatorOptions = {}): LatencyAccumulator {
    const accumulator = new LatencyAccumulator(options);
    const weight = options.priorWeight ?? Math.min(model.samples, 50);
    if (weight > 0) {
      for (const batch of [1, 16]) {
        const fitted = model.mean.baseMs + model.mean.perItemMs * batch;
        accumulator.addWeighted(batch, fitted + model.rmseMs, weight / 4);
        accumulator.addWeighted(batch, fitted - model.rmseMs, weight / 4);
      }
    }
    accumulator.residuals = model.relativeResiduals.slice(-accumulator.maxResiduals);
    return accumulator;
  }

  static fromRecord(record: AccumulatorRecord, options: AccumulatorOptions = {}): LatencyAccumulator {
    const accumulator = new LatencyAccumulator(options);
    [accumulator.n, accumulator.sx, accumulator.sy, accumulator.sxx, accumulator.sxy, accumulator.syy] = record.sums;
    accumulator.residuals = record.residuals.slice(-accumulator.maxResiduals);
    return accumulator;
  }

  toRecord(): AccumulatorRecord {
    return { sums: [this.n, this.sx, this.sy, this.sxx, this.sxy, this.syy], residuals: [...this.residuals] };
  }

  /** Folds in one observed batch latency. */
  add(batch: number, latencyMs: number): void {
    if (!Number.isInteger(batch) || batch < 1) throw new EngineError('invalid_input', expected('a batch size (integer >= 1)', batch));
    if (!(latencyMs > 0) || !Number.isFinite(latencyMs)) throw new EngineError('invalid_input', expected('a latency > 0 ms', latencyMs));
    if (this.n > 0) {
      const fitted = this.line().baseMs + this.line().perItemMs * batch;
      if (fitted > 0) {
        this.residuals.push((latencyMs - fitted) / fitted);
        if (this.residuals.length > this.maxResiduals) this.residuals.splice(0, this.residuals.length - this.maxResiduals);
      }
    }
    this.addWeighted(batch, latencyMs, 1);
  }

  get sampleCount(): number {
    return this.n;
  }

  model(): LatencyModel {
    if (this.n === 0) throw new EngineError('internal', 'Expected at least one sample before reading the fitted model, got none');
    const mean = this.line();
    // SSE from the sums: sum (y - a - b x)^2 expanded.
    const { baseMs: a, perItemMs: b } = mean;
    const sse = this.syy - 2 * a * this.sy - 2 * b * this.sxy + this.n * a * a + 2 * a * b * this.sx + b * b * this.sxx;
    return {
      mean,
      p99: tailLine(mean, this.residuals, this.tailQuantile),
      relativeResiduals: [...this.residuals],
      samples: Math.round(this.n),
      rmseMs: Math.sqrt(Math.max(0, sse) / this.n),
    };
  }

  private addWeighted(x: number, y: number, w: number): void {
    this.n += w;
    this.sx += w * x;
    this.sy += w * y;
    this.sxx += w * x * x;
    this.sxy += w * x * y;
    this.syy += w * y * y;
  }

  private line(): { baseMs: number; perItemMs: number } {
    const denominator = this.n * this.sxx - this.sx * this.sx;
    if (!(denominator > 1e-9 * Math.max(1, this.n * this.sxx))) return { baseMs: this.sy / this.n, perItemMs: 0 };
    const slope = (this.n * this.sxy - this.sx * this.sy) / denominator;
    const intercept = (this.sy - slope * this.sx) / this.n;
    // Same physical constraints as the batch fit: never decreasing in batch size, never negative at b = 0.
    if (slope < 0) return { baseMs: this.sy / this.n, perItemMs: 0 };
    if (intercept < 0) return { baseMs: 0, perItemMs: this.sxy / this.sxx };
    return { baseMs: intercept, perItemMs: slope };
  }
}

/** A model updated with new (batch, latency) samples: the prior counts as `priorWeight` samples. */
export function updateProfile(
  model: LatencyModel,
  samples: ReadonlyArray<{ readonly batch: number; readonly latencyMs: number }>,
  options: AccumulatorOptions = {},
): LatencyModel {
  const accumulator = LatencyAccumulator.fromModel(model, options);
  for (const sample of samples) accumulator.add(sample.batch, sample.latencyMs);
  return accumulator.model();
}
