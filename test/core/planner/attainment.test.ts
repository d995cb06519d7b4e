import { describe, expect, it } from 'vitest';
import { edgeAttainment, fractionWithin, serverlessAttainment } from '../../../shared/core/planner/index.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import { plannerInput } from './fixtures.js';

describe('fractionWithin', () => {
  it('is the uniform wait CDF at the slack left, averaged over residuals', () => {
    // slack = 1000 - 100 - 400 = 500 of a 1000 ms span.
    expect(fractionWithin(1000, 100, 400, 1000, [0])).toBeCloseTo(0.5, 12);
    // residuals -0.5 and +0.5: slack 700 and 300.
    expect(fractionWithin(1000, 100, 400, 1000, [-0.5, 0.5])).toBeCloseTo(0.5, 12);
    expect(fractionWithin(1000, 100, 400, 0, [0])).toBe(1);
    expect(fractionWithin(1000, 700, 400, 100, [0])).toBe(0);
    expect(fractionWithin(1000, 0, 400, 100, [])).toBe(1);
  });

  it('thins long residual lists to quantiles without moving the answer much', () => {
    const residuals = DEFAULT_PROFILES.serverless[3]!.latency.relativeResiduals;
    expect(residuals.length).toBeGreaterThan(100);
    const exact = residuals.reduce((sum, r) => sum + Math.min(1, Math.max(0, (1000 - 300 - 400 * (1 + r)) / 200)), 0) / residuals.length;
    expect(fractionWithin(1000, 300, 400, 200, residuals)).toBeCloseTo(exact, 1);
  });
});

describe('edgeAttainment', () => {
  const input = plannerInput(48, 0.9, 1000);

  it('falls as the rate rises and batches grow to carry it', () => {
    let previous = 1;
    for (const rate of [5, 10, 20, 30, 40, 48, 60, 80]) {
      const result = edgeAttainment(input, 128, 0, rate);
      expect(result.fraction).toBeLessThanOrEqual(previous + 1e-9);
      previous = result.fraction;
    }
    expect(edgeAttainment(input, 128, 0, 48).expectedBatch).toBeGreaterThan(15);
  });

  it('counts only what the edge can serve when its batch limit cannot carry the rate', () => {
    // Batch 2: at most 2 / 437 ms, about 4.6 req/s of 48.
    const result = edgeAttainment(input, 2, 0, 48);
    expect(result.fraction).toBeLessThanOrEqual(4.6 / 48);
    expect(edgeAttainment(input, 128, 0, 48).fraction).toBeGreaterThan(0.8);
  });
});

describe('serverlessAttainment', () => {
  const option = DEFAULT_PROFILES.serverless[0]!;

  it('is zero past what the link carries within its bound, and falls as the link loads', () => {
    const input = plannerInput(48, 0.9, 1000);
    expect(serverlessAttainment(input, option, 1, 0, 10).fraction).toBe(0);
    const light = serverlessAttainment(input, option, 1, 0, 0.5).fraction;
    const loaded = serverlessAttainment(input, option, 1, 0, 3.5).fraction;
    expect(light).toBeGreaterThan(loaded);
    expect(light).toBeGreaterThan(0.5);
  });
});
