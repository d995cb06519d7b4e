import { describe, expect, it } from 'vitest';
import { fastExp } from '../../../shared/core/bocpd/math/exp.js';
import { createRandom } from '../../../shared/core/random.js';

describe('fastExp', () => {
  it('agrees with Math.exp to a few ulps across the whole range', () => {
    const random = createRandom(11);
    let worst = 0;
    for (let i = 0; i < 200_000; i += 1) {
      // Uniform over [-760, 709]: both table-driven and Math.exp branches, and the underflow to 0.
      const x = -760 + 1469 * random.next();
      const exact = Math.exp(x);
      const error = exact === 0 ? Math.abs(fastExp(x)) : Math.abs(fastExp(x) - exact) / exact;
      worst = Math.max(worst, error);
    }
    expect(worst).toBeLessThan(1e-15);
  });

  it('is exact where e^x is, and right at the edges', () => {
    expect(fastExp(0)).toBe(1);
    expect(fastExp(-Infinity)).toBe(0);
    expect(fastExp(Infinity)).toBe(Infinity);
    expect(fastExp(Number.NaN)).toBeNaN();
    for (const x of [-699.99, -1e-300, 1e-300, 0.0054, -0.0054, 1, Math.LN2 * 10, 699.99]) {
      expect(Math.abs(fastExp(x) - Math.exp(x))).toBeLessThanOrEqual(4e-16 * Math.exp(x));
    }
  });
});
