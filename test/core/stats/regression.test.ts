import { describe, expect, it } from 'vitest';
import { linearRegression } from '../../../shared/core/stats/linear-regression.js';
import { planeRegression } from '../../../shared/core/stats/plane-regression.js';
import { quantileSorted } from '../../../shared/core/stats/quantile-sorted.js';

describe('regressions and quantiles', () => {
  it('linearRegression recovers an exact line and a hand-computed fit', () => {
    expect(linearRegression([1, 2, 3], [5, 7, 9])).toEqual({ intercept: 3, slope: 2 });
    // x = 0,1,2,3; y = 1,3,2,5: Sxy - n xbar ybar = 17 - 4*1.5*2.75 = 0.5 ... slope = 1.1, intercept = 1.1 (by hand).
    const fit = linearRegression([0, 1, 2, 3], [1, 3, 2, 5]);
    expect(fit.slope).toBeCloseTo(1.1, 12);
    expect(fit.intercept).toBeCloseTo(1.1, 12);
    expect(linearRegression([2, 2], [1, 3])).toEqual({ intercept: 2, slope: 0 });
  });

  it('planeRegression recovers an exact plane at very different scales', () => {
    const xs = [1, 2, 3, 1, 2, 5];
    const ys = [1024, 1024, 2048, 3072, 4096, 2048];
    const zs = xs.map((x, i) => 225 + 141 * x - 0.008806 * ys[i]!);
    const plane = planeRegression(xs, ys, zs);
    expect(plane.intercept).toBeCloseTo(225, 8);
    expect(plane.slopeX).toBeCloseTo(141, 8);
    expect(plane.slopeY).toBeCloseTo(-0.008806, 10);
    expect(() => planeRegression([1, 2, 3], [2, 4, 6], [1, 2, 3])).toThrow(/collinear/);
  });

  it('quantileSorted interpolates like numpy (definition 7)', () => {
    // numpy.quantile([1, 2, 3, 4], 0.99) = 3.97
    expect(quantileSorted([1, 2, 3, 4], 0.99)).toBeCloseTo(3.97, 12);
    expect(quantileSorted([5], 0.5)).toBe(5);
    expect(() => quantileSorted([], 0.5)).toThrow(/non-empty/);
  });
});
