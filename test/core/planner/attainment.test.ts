import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD_BYTES, edgeAttainment, fractionWithin, serverlessAttainment } from '../../../shared/core/planner/index.js';
import { transferMs } from '../../../shared/core/planner/lane-model.js';
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
    expect(edgeAttainment(input, 128, 0, 48).fraction).toBeGreaterThan(0.75);
  });

  it('lets a request wait out a batch longer than the mean, as a long batch is the likelier one to arrive into', () => {
    // At 44.6 req/s the edge settles near 21 per batch (about 480 ms). With the mean batch alone, the wait would be
    // uniform over one mean batch and the next batch of the mean size.
    const busy = edgeAttainment(input, 128, 0, 44.6);
    const n = busy.expectedBatch;
    const serviceMs = 433.5 + 2 * n;
    const meanOnly = fractionWithin(1000, transferMs(n, DEFAULT_PAYLOAD_BYTES, 100) + 2, serviceMs, serviceMs, DEFAULT_PROFILES.edge.relativeResiduals);
    expect(busy.shape.parts.length).toBeGreaterThan(1);
    expect(busy.fraction).toBeLessThan(meanOnly - 0.03);
  });

  it('counts what a long batch leaves behind when the batch limit cannot take it all', () => {
    // Batch limit 24 fits the mean (21) but not what gathers behind a long batch; the rest waits one batch more.
    expect(edgeAttainment(input, 24, 100, 44.6).fraction).toBeLessThan(edgeAttainment(input, 128, 0, 44.6).fraction - 0.01);
    // Below the mean: past capacity, and worse still.
    expect(edgeAttainment(input, 20, 100, 44.6).fraction).toBeLessThan(edgeAttainment(input, 24, 100, 44.6).fraction);
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
