import { describe, expect, it } from 'vitest';
import { createRandom } from '../../shared/core/random.js';

function moments(draws: number[]): { mean: number; variance: number } {
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  const variance = draws.reduce((a, x) => a + (x - mean) ** 2, 0) / (draws.length - 1);
  return { mean, variance };
}

describe('createRandom', () => {
  it('is deterministic per seed, and different seeds differ', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    expect(createRandom(1.5).next()).not.toBe(createRandom(1).next());
  });

  it('next() is uniform on [0, 1): range, mean, and equal deciles', () => {
    const random = createRandom(7);
    const n = 200_000;
    const deciles = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i += 1) {
      const u = random.next();
      if (!(u >= 0 && u < 1)) outside += 1;
      deciles[Math.floor(u * 10)]! += 1;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    // chi-square with 9 degrees of freedom: 27.9 is its 0.999 quantile
    const chi = deciles.reduce((a, count) => a + (count - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.9);
  });

  it('int(n) covers 0..n-1 evenly and rejects bad bounds', () => {
    const random = createRandom(8);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i += 1) counts[random.int(6)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(() => random.int(0)).toThrow('Expected a positive integer bound, got 0');
    expect(() => random.int(2.5)).toThrow(/positive integer/);
  });

  it('exponential and normal have the right mean and variance', () => {
    const random = createRandom(9);
    const exp = moments(Array.from({ length: 100_000 }, () => random.exponential(4)));
    expect(exp.mean).toBeCloseTo(0.25, 2);
    expect(exp.variance).toBeCloseTo(0.0625, 2);
    const normal = moments(Array.from({ length: 100_000 }, () => random.normal(3, 2)));
    expect(Math.abs(normal.mean - 3)).toBeLessThan(4 * (2 / Math.sqrt(100_000)));
    expect(Math.abs(normal.variance - 4)).toBeLessThan(0.1);
    expect(() => random.exponential(0)).toThrow(/rate/);
    expect(() => random.normal(0, -1)).toThrow(/sd/);
  });

  for (const mean of [0.3, 4, 9.99, 10, 37, 1000, 1e6]) {
    it(`poisson(${mean}) has mean and variance ${mean}`, () => {
      const random = createRandom(10 + mean);
      const n = 50_000;
      const draws = Array.from({ length: n }, () => random.poisson(mean));
      expect(draws.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
      const { mean: m, variance } = moments(draws);
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
      // the sample variance's sd is about mean * sqrt(2 / n) for large means
      expect(Math.abs(variance - mean)).toBeLessThan(6 * Math.sqrt((2 * mean * mean + mean) / n));
    });
  }

  it('poisson frequencies match the pmf (mean 37, PTRS branch)', () => {
    const random = createRandom(11);
    const n = 100_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i += 1) {
      const k = random.poisson(37);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let logPmf = -37; // ln P(0)
    for (let k = 0; k <= 60; k += 1) {
      if (k > 0) logPmf += Math.log(37 / k);
      const expected = n * Math.exp(logPmf);
      if (expected < 50) continue;
      expect(Math.abs((counts.get(k) ?? 0) - expected)).toBeLessThan(5 * Math.sqrt(expected));
    }
    expect(random.poisson(0)).toBe(0);
    expect(() => random.poisson(-1)).toThrow(/Poisson mean/);
  });
});
