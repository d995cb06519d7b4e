/**
 * ln(1 + u) for u >= 0, fast when u is small.
 *
 * Long runs update their statistics with ln(1 + x / alpha) and ln(1 + e / beta), whose arguments shrink like
 * 1 / run length. The Taylor series u - u^2/2 + u^3/3 - ... alternates with decreasing terms, so its error
 * is below the first omitted term: with 8 terms for u < 2^-7 that is u^9 / 9 < 2^-59 u, and with 5 terms
 * for u < 2^-11 it is u^6 / 6 < 2^-57 u, in both cases a hundredth of an ulp of the result (at least
 * u / 1.004); the multiplications round to about an ulp. A few multiplications replace a library call;
 * larger u goes to Math.log1p.
 */

/** Where the series is used. */
export const LOG1P_SERIES_MAX = 1 / 128;
const SHORT_SERIES_MAX = 1 / 2048;

export function log1pSmall(u: number): number {
  if (u < SHORT_SERIES_MAX) return u * (1 - u * (1 / 2 - u * (1 / 3 - u * (1 / 4 - u / 5))));
  if (u >= LOG1P_SERIES_MAX) return Math.log1p(u);
  return u * (1 - u * (1 / 2 - u * (1 / 3 - u * (1 / 4 - u * (1 / 5 - u * (1 / 6 - u * (1 / 7 - u / 8)))))));
}
