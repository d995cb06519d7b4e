import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD_BYTES, edgeAttainment, fractionWithin, serverlessAttainment } from '../../../shared/core/planner/index.js';
import { transferMs } from '../../../shared/core/planner/lane-model.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import { poissonIdleMean } from '../../../shared/core/stats/poisson-idle-mean.js';
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
  // A LAN edge (100 Mbit/s, 2 ms) with the Orin's GPU line (about 81 + 8.0 b ms): it carries about 125 req/s at most.
  const input = plannerInput(48, 0.9, 1000);
  const edgeMean = DEFAULT_PROFILES.edge.mean;

  it('falls as the rate rises and batches grow to carry it', () => {
    let previous = 1;
    for (const rate of [5, 10, 20, 40, 60, 80, 100, 110, 120]) {
      const result = edgeAttainment(input, 128, 0, rate);
      expect(result.fraction).toBeLessThanOrEqual(previous + 1e-9);
      previous = result.fraction;
    }
    expect(edgeAttainment(input, 128, 0, 48).fraction).toBeGreaterThan(0.999);
    expect(edgeAttainment(input, 128, 0, 100).expectedBatch).toBeGreaterThan(30);
  });

  it('counts only what the edge can serve when its batch limit cannot carry the rate', () => {
    // Batch 2: at most 2 per (81 + 16) ms, about 20.6 req/s of 48.
    const capacity = 2000 / (edgeMean.baseMs + 2 * edgeMean.perItemMs);
    expect(edgeAttainment(input, 2, 0, 48).fraction).toBeLessThanOrEqual(capacity / 48);
    expect(edgeAttainment(input, 128, 0, 48).fraction).toBeGreaterThan(0.99);
  });

  it('lets a request wait out a batch longer than the mean, as a long batch is the likelier one to arrive into', () => {
    // At 100 req/s the edge settles near 38 per batch (about 390 ms). With the mean batch alone, the wait would be
    // uniform over one mean batch and the next batch of the mean size.
    const busy = edgeAttainment(input, 128, 0, 100);
    const n = busy.expectedBatch;
    const serviceMs = edgeMean.baseMs + edgeMean.perItemMs * n;
    const meanOnly = fractionWithin(1000, transferMs(n, DEFAULT_PAYLOAD_BYTES, 100) + 2, serviceMs, serviceMs, DEFAULT_PROFILES.edge.relativeResiduals);
    expect(busy.shape.parts.length).toBeGreaterThan(1);
    expect(busy.fraction).toBeLessThan(meanOnly - 0.03);
  });

  it('past capacity, a smaller batch limit answers fewer in time', () => {
    // At 100 req/s, limits 32, 24 and 16 carry about 95, 88 and 77 req/s: past capacity, and worse the smaller.
    const at = (limit: number) => edgeAttainment(input, limit, 100, 100).fraction;
    expect(at(32)).toBeLessThan(edgeAttainment(input, 128, 0, 100).fraction);
    expect(at(24)).toBeLessThan(at(32));
    expect(at(16)).toBeLessThan(at(24));
  });

  it("averages over the link's spread: a link dead one interval in ten loses that tenth", () => {
    const steady = plannerInput(10, 1000, 1000, true, 20);
    const spread = Array.from({ length: 10 }, (_, i) => (i === 0 ? 0 : 1));
    const swinging = { ...steady, linkSpread: { edge: spread } };
    expect(edgeAttainment(steady, 128, 0, 10).fraction).toBeGreaterThan(0.999);
    expect(edgeAttainment(swinging, 128, 0, 10).fraction).toBeCloseTo(0.9 * edgeAttainment(steady, 128, 0, 10).fraction, 6);
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

  it('warm instances take the cold starts away, for their idle memory', () => {
    // FC in the scheduler's region: 48 req/s in calls of one, about 17 in flight.
    const input = plannerInput(48, 1000, 1000, false);
    const scaleFromZero = serverlessAttainment(input, option, 1, 0, 48, 0);
    const warm = serverlessAttainment(input, option, 1, 0, 48, 40);
    expect(warm.fraction).toBeGreaterThan(scaleFromZero.fraction);
    const inFlight = (48 * (option.latency.mean.baseMs + option.latency.mean.perItemMs)) / 1000;
    const idleUsdPerRequest = (poissonIdleMean(40, inFlight) * (1024 / 1024) * 0.15 * 0.00002) / 48;
    // The extra is the idle memory, less the few cold starts' billed start-up it saves.
    const extra = warm.costPerRequestUsd - scaleFromZero.costPerRequestUsd;
    expect(extra).toBeLessThanOrEqual(idleUsdPerRequest + 1e-12);
    expect(extra).toBeGreaterThan(0.9 * idleUsdPerRequest);
  });
});
