import { describe, expect, it } from 'vitest';
import { poissonIdleMean } from '../../../shared/core/stats/poisson-idle-mean.js';
import { poissonQuantile } from '../../../shared/core/stats/poisson-quantile.js';
import { truncatedPoissonMean } from '../../../shared/core/stats/truncated-poisson-mean.js';

// Fresh walks of the recurrence, as each function summed it before the terms were kept: the kept terms must give
// the very same numbers (toBe: to the last bit), whichever means were asked before.
function freshQuantile(p: number, mean: number): number {
  let logTerm = -mean;
  const logMean = Math.log(mean);
  let cdf = Math.exp(logTerm);
  let k = 0;
  while (cdf < p && k < 10 * mean + 1000) {
    k += 1;
    logTerm += logMean - Math.log(k);
    cdf += Math.exp(logTerm);
  }
  return k;
}

function freshIdleMean(w: number, mean: number): number {
  let logTerm = -mean;
  const logMean = Math.log(mean);
  let sum = 0;
  for (let k = 0; k < w; k += 1) {
    if (k > 0) logTerm += logMean - Math.log(k);
    sum += (w - k) * Math.exp(logTerm);
  }
  return sum;
}

function freshTruncatedMean(mean: number, cap: number): number {
  let logTerm = -mean;
  const logMean = Math.log(mean);
  let cdf = 0;
  let sum = 0;
  for (let k = 0; k < cap; k += 1) {
    if (k > 0) logTerm += logMean - Math.log(k);
    cdf += Math.exp(logTerm);
    sum += Math.max(0, 1 - cdf);
  }
  return sum;
}

describe('kept Poisson terms', () => {
  it('give the same quantiles, idle means and truncated means as fresh walks, in any order of asking', () => {
    const means = [0.01, 0.37, 1, 4.2, 15.3, 48, 250.5, 1e4 / 3];
    // 1 - 2^-53: a sum that may never get there, so the walk stops at its bound (10 mean + 1000).
    // Interleaved, more means than are kept, each asked again after others: hits, misses and walks grown further.
    for (let round = 0; round < 3; round += 1) {
      for (const mean of means) {
        for (const p of [0, 0.1, 0.9, 0.99, 0.999, 1 - 1 / 14000, 1 - 2 ** -53]) expect(poissonQuantile(p, mean)).toBe(freshQuantile(p, mean));
        for (const w of [1, 3, 17, 60 * (round + 1)]) expect(poissonIdleMean(w, mean)).toBe(freshIdleMean(w, mean));
        for (const cap of [1, 5, 19, 127]) expect(truncatedPoissonMean(mean, cap)).toBe(freshTruncatedMean(mean, cap));
      }
    }
  });
});
