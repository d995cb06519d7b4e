import { describe, expect, it } from 'vitest';
import { erlangCdf } from '../../../shared/core/stats/erlang-cdf.js';
import { erlangQuantile } from '../../../shared/core/stats/erlang-quantile.js';
import { poissonCdf } from '../../../shared/core/stats/poisson-cdf.js';
import { poissonQuantile } from '../../../shared/core/stats/poisson-quantile.js';
import { truncatedPoissonMean } from '../../../shared/core/stats/truncated-poisson-mean.js';
import { EngineError } from '../../../shared/core/errors.js';

// Reference values typed in from scipy 1.17.1 (scipy.stats.gamma.ppf / poisson.cdf / poisson.ppf, and a direct
// sum of min(k, cap) * poisson.pmf(k) for the truncated mean), computed on this machine.
describe('Poisson and Erlang helpers', () => {
  it('poissonCdf matches scipy and a direct factorial sum', () => {
    expect(poissonCdf(3, 2.5)).toBeCloseTo(0.7575761331330662, 12);
    expect(poissonCdf(950, 1000)).toBeCloseTo(0.057836292955323276, 9);
    let direct = 0;
    let factorial = 1;
    for (let i = 0; i <= 6; i += 1) {
      if (i > 0) factorial *= i;
      direct += (Math.exp(-4.2) * 4.2 ** i) / factorial;
    }
    expect(poissonCdf(6, 4.2)).toBeCloseTo(direct, 14);
    expect(poissonCdf(-1, 3)).toBe(0);
    expect(poissonCdf(5, 0)).toBe(1);
  });

  it('erlangQuantile matches scipy gamma.ppf and the exponential closed form', () => {
    expect(erlangQuantile(0.99, 4, 10)).toBeCloseTo(1.0045117514831616, 8);
    expect(erlangQuantile(0.99, 19, 48)).toBeCloseTo(0.637105070455101, 8);
    expect(erlangQuantile(0.999, 63, 100)).toBeCloseTo(0.9039944544510035, 8);
    // Shape 1 is the exponential: quantile = -ln(1 - p) / rate.
    expect(erlangQuantile(0.5, 1, 2)).toBeCloseTo(Math.log(2) / 2, 10);
    expect(erlangQuantile(0.99, 0, 5)).toBe(0);
    expect(erlangCdf(erlangQuantile(0.9, 7, 3), 7, 3)).toBeCloseTo(0.9, 9);
  });

  it('poissonQuantile and truncatedPoissonMean match scipy', () => {
    expect(poissonQuantile(0.999, 4.2)).toBe(12);
    expect(truncatedPoissonMean(3.7, 5)).toBeCloseTo(3.392270176496587, 12);
    expect(truncatedPoissonMean(3.7, 0)).toBe(0);
    // A huge cap leaves the plain mean.
    expect(truncatedPoissonMean(3.7, 200)).toBeCloseTo(3.7, 10);
  });

  it('rejects degenerate input with an EngineError', () => {
    expect(() => erlangQuantile(1, 3, 2)).toThrow(EngineError);
    expect(() => erlangCdf(1, 2, 0)).toThrow(/rate > 0/);
    expect(() => poissonCdf(2, -1)).toThrow(/Expected a finite Poisson mean/);
  });
});
