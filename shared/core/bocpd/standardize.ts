/**
 * Standardisation for the Gaussian model, so one prior fits series of any unit and shape.
 *
 * The model treats every observation of a segment as an independent draw around the segment's level, so the
 * noise it must absorb is everything that is not a change: measurement noise, but also autocorrelated
 * wandering, trend and seasonality. For such a series the spread that matters is the marginal one. The
 * innovation scale (from successive differences, MAD(x_i+1 - x_i) / (0.6745 sqrt 2)) is far smaller: for an
 * AR(1) process with coefficient rho it is the marginal sd times sqrt(1 - rho), and for a smooth trend it is
 * nearly 0, so ordinary movement looks like change (a population series gave 62 changes where annotators
 * marked at most one). The scale is therefore the series' own standard deviation, with values beyond
 * five robust sds of the median (5 x 1.4826 x MAD) pulled in to that bound first, so a few wild outliers
 * cannot set it. Level shifts inflate it too: only changes that are large against the series' ordinary range
 * are then reported, which is what a reader of the whole plot (or an annotator) marks.
 * Location: the median. Falls back to the plain sd, then to 1, when the robust sd is 0 (repeated values).
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
/** Values further than this many robust sds from the median are pulled in before the sd is taken. */
const WINSOR_SDS = 5;

/** The sample sd of `values` with each clamped to [low, high]. */
function clampedSd(series: ArrayLike<number>, low: number, high: number): number {
  const n = series.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i += 1) mean += Math.min(high, Math.max(low, series[i]!));
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i += 1) squares += (Math.min(high, Math.max(low, series[i]!)) - mean) ** 2;
  return Math.sqrt(squares / (n - 1));
}

export function robustStandardization(series: ArrayLike<number>): Standardization {
  const n = series.length;
  if (n === 0) throw new EngineError('invalid_input', expected('a non-empty series to standardise', n));
  const sorted = Float64Array.from(series).sort();
  const location = median(sorted);
  const deviations = sorted.map((x) => Math.abs(x - location)).sort();
  const robust = median(deviations) * MAD_TO_SD;
  let scale = robust > 0 ? clampedSd(series, location - WINSOR_SDS * robust, location + WINSOR_SDS * robust) : 0;
  if (!(scale > 0)) scale = clampedSd(series, -Infinity, Infinity);
  return { location, scale: scale > 0 ? scale : 1 };
}
