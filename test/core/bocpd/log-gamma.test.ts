import { describe, expect, it } from 'vitest';
import { logGamma, logGammaRatio } from '../../../shared/core/bocpd/math/log-gamma.js';
import { lanczosLogGamma } from './reference.js';

describe('logGamma', () => {
  it('matches exact values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247001, 14); // ln sqrt(pi)
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 13);
    let logFactorial = 0;
    for (let k = 2; k < 171; k += 1) logFactorial += Math.log(k);
    expect(logGamma(171)).toBeCloseTo(logFactorial, 10);
  });

  it('agrees with an independent Lanczos lgamma across the range', () => {
    for (const z of [1e-6, 0.01, 0.3, 1.5, 3.7, 9.99, 10, 10.01, 42.5, 1e3, 1e5]) {
      expect(Math.abs(logGamma(z) - lanczosLogGamma(z))).toBeLessThan(1e-12 * Math.max(1, Math.abs(logGamma(z))));
    }
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1)).toBeNaN();
  });
});

describe('logGammaRatio', () => {
  it('equals the sum of logs for integer steps, small and huge a', () => {
    for (const a of [0.5, 3.2, 9.5, 12, 1e4, 1e9, 1e13]) {
      for (const x of [1, 2, 7, 100]) {
        let sum = 0;
        for (let j = 0; j < x; j += 1) sum += Math.log(a + j);
        expect(Math.abs(logGammaRatio(a, x) - sum)).toBeLessThan(1e-11 * Math.max(1, Math.abs(sum)));
      }
    }
    expect(logGammaRatio(5, 0)).toBe(0);
  });
});

describe('log1pSmall', () => {
  it('agrees with Math.log1p to a couple of ulps across both series and beyond', async () => {
    const { log1pSmall } = await import('../../../shared/core/bocpd/math/log1p-small.js');
    for (const u of [0, 1e-12, 3e-7, 1 / 4096, 1 / 2049, 1 / 2048, 1e-3, 5e-3, 1 / 129, 1 / 128, 0.01, 0.5, 3, 1e6]) {
      expect(Math.abs(log1pSmall(u) - Math.log1p(u))).toBeLessThanOrEqual(4 * Number.EPSILON * Math.log1p(u));
    }
  });
});
