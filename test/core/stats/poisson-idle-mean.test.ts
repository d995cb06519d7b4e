import { describe, expect, it } from 'vitest';
import { poissonIdleMean } from '../../../shared/core/stats/poisson-idle-mean.js';

describe('poissonIdleMean', () => {
  it('matches hand-computed values', () => {
    // w = 2, mean 1: 2 e^-1 + 1 e^-1 = 3 / e.
    expect(poissonIdleMean(2, 1)).toBeCloseTo(3 / Math.E, 12);
    expect(poissonIdleMean(0, 5)).toBe(0);
    expect(poissonIdleMean(3, 0)).toBe(3);
  });

  it('tends to w - mean when w is far above the mean (E[w - X] = w - mean)', () => {
    expect(poissonIdleMean(60, 20)).toBeCloseTo(40, 6);
  });

  it('refuses nonsense', () => {
    expect(() => poissonIdleMean(1.5, 1)).toThrow(/whole number/);
    expect(() => poissonIdleMean(1, -1)).toThrow(/Poisson mean/);
  });
});
