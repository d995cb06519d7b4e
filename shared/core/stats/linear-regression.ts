import { EngineError } from '../errors.js';

/** y = intercept + slope x. */
export interface Line {
  readonly intercept: number;
  readonly slope: number;
}

/**
 * Ordinary least squares of y on x from running sums, so the same formula serves a batch fit and an online
 * accumulator:
 *
 *   slope = (n Sxy - Sx Sy) / (n Sxx - Sx^2),  intercept = (Sy - slope Sx) / n
 *
 * With a single distinct x the slope is undefined; we then return a flat line through the mean (slope 0),
 * which is the least-squares answer restricted to constant models.
 * Reference: Draper and Smith, Applied Regression Analysis, 3rd ed., ch. 1.
 */
export function linearRegressionFromSums(n: number, sumX: number, sumY: number, sumXX: number, sumXY: number): Line {
  if (!(n >= 1)) throw new EngineError('internal', `Expected at least 1 sample for a regression, got ${n}`);
  const denominator = n * sumXX - sumX * sumX;
  // Relative test: the denominator is n^2 times the variance of x, so compare against the scale of Sxx.
  if (Math.abs(denominator) <= 1e-12 * Math.max(1, n * sumXX)) return { intercept: sumY / n, slope: 0 };
  const slope = (n * sumXY - sumX * sumY) / denominator;
  return { intercept: (sumY - slope * sumX) / n, slope };
}

/** Ordinary least squares of ys on xs (same length, at least one point). */
export function linearRegression(xs: readonly number[], ys: readonly number[]): Line {
  if (xs.length !== ys.length) throw new EngineError('internal', `Expected as many x as y values, got ${xs.length} and ${ys.length}`);
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumXY = 0;
  for (let i = 0; i < xs.length; i += 1) {
    const x = xs[i]!;
    const y = ys[i]!;
    sumX += x;
    sumY += y;
    sumXX += x * x;
    sumXY += x * y;
  }
  return linearRegressionFromSums(xs.length, sumX, sumY, sumXX, sumXY);
}
