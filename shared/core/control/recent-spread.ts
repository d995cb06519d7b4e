/**
 * What the recent past says beyond a segment's mean, for the planner: how far a lane's link swings second to
 * second (its spread), and how busy the busiest stretch of arrivals was (the peak rate FC's warm pool is sized
 * for). Both read the controller's recent history (a few minutes of observations), across segments: a cellular
 * link's dead seconds and a trace's bursts are what the next minutes will bring again, whether or not BOCPD cut a
 * segment at the last one.
 */

/** Points of the spread: the mid-points of equal-probability slices, fine enough to see a link dead one second in twenty. */
export const SPREAD_POINTS = 20;
/** Fewer recent samples than this give no spread (the planner then takes the link as steady). */
const MIN_SAMPLES = 10;
/** Arrivals are smoothed over this many intervals before the peak is taken: a burst that lasts builds FC's pool, one noisy second does not. */
const PEAK_WINDOW = 10;

/**
 * The link's spread: SPREAD_POINTS quantiles of the recent bandwidth samples, each relative to their median.
 * `logSamples` are log(Mbit/s), as the bandwidth detector sees them. Undefined with too few samples.
 */
export function linkSpread(logSamples: readonly number[]): number[] | undefined {
  const n = logSamples.length;
  if (n < MIN_SAMPLES) return undefined;
  // A typed array's sort is numeric without a comparator call per pair: this runs for every lane at every interval.
  const sorted = Float64Array.from(logSamples, Math.exp).sort();
  const median = sorted[Math.floor(n / 2)]!;
  if (!(median > 0)) return undefined;
  return Array.from({ length: SPREAD_POINTS }, (_, i) => sorted[Math.floor(((i + 0.5) * n) / SPREAD_POINTS)]! / median);
}

/**
 * The range of levels the link's spread covers: its lowest and highest spread points in Mbit/s (the recent
 * median times the relative points). Undefined with too few samples.
 */
export function spreadRange(logSamples: readonly number[]): { readonly lowMbps: number; readonly highMbps: number } | undefined {
  const spread = linkSpread(logSamples);
  if (!spread) return undefined;
  const sorted = logSamples.map(Math.exp).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { lowMbps: median * spread[0]!, highMbps: median * spread[SPREAD_POINTS - 1]! };
}

/**
 * The highest arrival rate (per `intervalMs`-long unit) over any PEAK_WINDOW consecutive recent observations of
 * counts over exposures; the mean over all of them when fewer are known. NaN with none.
 */
export function peakRate(counts: ArrayLike<number>, exposures: ArrayLike<number>): number {
  const n = counts.length;
  if (n === 0) return Number.NaN;
  const window = Math.min(PEAK_WINDOW, n);
  let count = 0;
  let exposure = 0;
  let peak = 0;
  for (let i = 0; i < n; i += 1) {
    count += counts[i]!;
    exposure += exposures[i]!;
    if (i >= window) {
      count -= counts[i - window]!;
      exposure -= exposures[i - window]!;
    }
    if (i >= window - 1 && exposure > 0) peak = Math.max(peak, count / exposure);
  }
  return peak;
}
