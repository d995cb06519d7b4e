import { EngineError } from '../errors.js';

/** z = intercept + slopeX x + slopeY y. */
export interface Plane {
  readonly intercept: number;
  readonly slopeX: number;
  readonly slopeY: number;
}

/**
 * Ordinary least squares of z on two regressors (x, y) with an intercept: solves the 3x3 normal equations
 * (X'X) beta = X'z by Cramer's rule on centred sums (centring keeps the system well conditioned when x and y
 * have very different scales, as batch size and memory MB do):
 *
 *   [Sxx Sxy] [bx]   [Sxz]
 *   [Sxy Syy] [by] = [Syz],   intercept = mean z - bx mean x - by mean y
 *
 * with S the centred sums of squares and products. Reference: Draper and Smith, Applied Regression Analysis,
 * 3rd ed., ch. 6. The prototype fitted FC latency the same way (l = a b + c m + d).
 */
export function planeRegression(xs: readonly number[], ys: readonly number[], zs: readonly number[]): Plane {
  const n = xs.length;
  if (ys.length !== n || zs.length !== n) throw new EngineError('internal', `Expected equally long x, y and z, got ${n}, ${ys.length} and ${zs.length}`);
  if (n < 3) throw new EngineError('invalid_input', `Expected at least 3 points for a plane fit, got ${n}`);
  const mean = (values: readonly number[]) => values.reduce((a, v) => a + v, 0) / n;
  const mx = mean(xs);
  const my = mean(ys);
  const mz = mean(zs);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let sxz = 0;
  let syz = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    const dz = zs[i]! - mz;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
    sxz += dx * dz;
    syz += dy * dz;
  }
  const det = sxx * syy - sxy * sxy;
  if (!(Math.abs(det) > 1e-12 * Math.max(1, sxx * syy))) {
    throw new EngineError('invalid_input', 'Expected two regressors that vary independently for a plane fit, got collinear (or constant) ones');
  }
  const slopeX = (sxz * syy - syz * sxy) / det;
  const slopeY = (syz * sxx - sxz * sxy) / det;
  return { intercept: mz - slopeX * mx - slopeY * my, slopeX, slopeY };
}
