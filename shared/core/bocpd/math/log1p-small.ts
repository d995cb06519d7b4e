/**
 * ln(1 + u) for u >= 0, fast when u is small.
 *
 * Long runs update their statistics with ln(1 + x / alpha) and ln(1 + e / beta), whose arguments shrink like
 * 1 / run length. Below u = 2^-7 the Taylor series u - u^2/2 + u^3/3 - ... - u^8/8 is used: it alternates
 * with decreasing terms, so the truncation error is below the first omitted term, u^9 / 9 < 2^-59 u, a
 * hundredth of an ulp of the result (at least u / 1.004); the multiplications round to about an ulp. A few
 * multiplications replace a library call; larger u goes to Math.log1p.
 */

/** Where the series is used. */
export const LOG1P_SERIES_MAX = 1 / 128;

export function log1pSmall(u: number): number {
  if (u >= LOG1P_SERIES_MAX) return Math.log1p(u);
  return u * (1 - u * (1 / 2 - u * (1 / 3 - u * (1 / 4 - u * (1 / 5 - u * (1 / 6 - u * (1 / 7 - u / 8)))))));
}
