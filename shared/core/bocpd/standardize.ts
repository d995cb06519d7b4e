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
 *
 * The marginal sd still falls short for noise that is autocorrelated around a steady level: a segment's mean
 * then wanders by the long-run sd, sigma_lr = sigma sqrt((1 + rho) / (1 - rho)) for AR(1), and the model,
 * which takes observations as independent, reads each excursion as a new level. So the scale is at least
 * that long-run sd, estimated from the successive differences d, which a level shift moves only once (an
 * outlier of d) and a trend only by a constant: for AR(1), the lag-1 autocorrelation of d is -(1 - rho) / 2
 * and var(d) = 2 var(x) (1 - rho), so sigma_lr^2 = var(d) (1 + rho) / (2 (1 - rho)^2), with the robust sd of
 * d and its autocorrelation after clipping d at a few robust sds of its median. rho is held within
 * [0, MAX_RHO]: a larger lag-1 estimate comes as readily from seasonality or smooth movement, which the
 * marginal sd already covers, as from noise, and sigma_lr grows without bound as rho nears 1.
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

/** Successive differences are clipped at this many robust sds of their median before their autocorrelation. */
const CLIP_SDS = 3;
/** The largest lag-1 autocorrelation the long-run correction trusts (see above). */
const MAX_RHO = 0.5;

/** The long-run sd of the noise around a steady level, from the successive differences (0 if they are constant). */
export function longRunSd(series: ArrayLike<number>): number {
  const n = series.length;
  if (n < 3) return 0;
  const differences = new Float64Array(n - 1);
  for (let i = 1; i < n; i += 1) differences[i - 1] = series[i]! - series[i - 1]!;
  const sorted = Float64Array.from(differences).sort();
  const centre = median(sorted);
  const sd = median(sorted.map((d) => Math.abs(d - centre)).sort()) * MAD_TO_SD;
  if (!(sd > 0)) return 0;
  const bound = CLIP_SDS * sd;
  let lagged = 0;
  let squares = 0;
  let previous = 0;
  for (let i = 0; i < differences.length; i += 1) {
    const d = Math.min(bound, Math.max(-bound, differences[i]! - centre));
    squares += d * d;
    if (i > 0) lagged += d * previous;
    previous = d;
  }
  const rho = Math.min(MAX_RHO, Math.max(0, 1 + (2 * lagged) / squares));
  return sd * Math.sqrt((1 + rho) / (2 * (1 - rho) ** 2));
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
  scale = Math.max(scale, longRunSd(series));
  return { location, scale: scale > 0 ? scale : 1 };
}
