/**
 * Robust standardisation for the Gaussian model, so one prior fits series of any unit: location = the median;
 * scale = the within-segment noise sd estimated from successive differences, MAD(x_i+1 - x_i) / (0.6745
 * sqrt 2). Differences cancel the segments' levels, so level shifts do not inflate the scale as the plain
 * sd would (the estimator used by Fryzlewicz 2014 and the `changepoint` R package's defaults).
 * Falls back to the sd of the series, then to 1, when the estimate is 0 (many repeated values).
 */
import { EngineError, expected } from '../errors.js';

export interface Standardization {
  readonly location: number;
  readonly scale: number;
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const middle = n >> 1;
  return n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** 1 / Phi^-1(3/4): turns a normal sample's median absolute deviation into its sd. */
const MAD_TO_SD = 1 / 0.6744897501960817;

export function robustStandardization(series: ArrayLike<number>): Standardization {
  const n = series.length;
  if (n === 0) throw new EngineError('bad_request', expected('a non-empty series to standardise', n));
  const values = Float64Array.from(series).sort();
  const location = median(values);
  let scale = 0;
  if (n >= 3) {
    const differences = new Float64Array(n - 1);
    for (let i = 1; i < n; i += 1) differences[i - 1] = series[i]! - series[i - 1]!;
    differences.sort();
    const centre = median(differences);
    const deviations = differences.map((d) => Math.abs(d - centre)).sort();
    scale = (median(deviations) * MAD_TO_SD) / Math.SQRT2;
  }
  if (!(scale > 0)) {
    let mean = 0;
    for (let i = 0; i < n; i += 1) mean += series[i]!;
    mean /= n;
    let squares = 0;
    for (let i = 0; i < n; i += 1) squares += (series[i]! - mean) ** 2;
    scale = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  }
  return { location, scale: scale > 0 ? scale : 1 };
}
