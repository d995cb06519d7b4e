import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCapacityRps } from '../../../shared/core/planner/capacity.js';
import { DEFAULT_BOUNDS, InfeasibleSloError } from '../../../shared/core/planner/input.js';
import { plan, tryPlan } from '../../../shared/core/planner/plan.js';
import { plannerInput } from './fixtures.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';

const input = plannerInput;

const rate = fc.double({ min: 0.1, max: 300, noNaN: true });
const bandwidth = fc.double({ min: 2, max: 200, noNaN: true });
const slo = fc.integer({ min: 300, max: 4000 });

describe('plan (ours)', () => {
  it('a feasible plan predicts every used lane within the SLO, and shares sum to 1', () => {
    fc.assert(
      fc.property(rate, bandwidth, slo, fc.boolean(), (r, b, s, edgeUp) => {
        const result = tryPlan(input(r, b, s, edgeUp));
        if (!result) return;
        for (const lane of ['edge', 'serverless'] as const) {
          if (result.lanes[lane].share > 0) expect(result.predicted.p99LatencyMs[lane]).toBeLessThanOrEqual(s + 1e-6);
        }
        expect(result.lanes.edge.share + result.lanes.serverless.share).toBeCloseTo(1, 9);
        expect(result.predicted.edgeUtilisation).toBeLessThanOrEqual(DEFAULT_BOUNDS.edgeMaxUtilisation + 1e-9);
      }),
      { numRuns: 60, seed: 1 },
    );
  });

  it('a looser SLO never costs more', () => {
    fc.assert(
      fc.property(rate, bandwidth, slo, fc.integer({ min: 1, max: 2000 }), (r, b, s, extra) => {
        const tight = tryPlan(input(r, b, s));
        if (!tight) return;
        const loose = tryPlan(input(r, b, s + extra));
        expect(loose).toBeDefined();
        expect(loose!.predicted.costPerMillionUsd).toBeLessThanOrEqual(tight.predicted.costPerMillionUsd * (1 + 1e-9));
      }),
      { numRuns: 60, seed: 2 },
    );
  });

  it('raising the rate never lowers total capacity', () => {
    fc.assert(
      fc.property(rate, fc.double({ min: 1.01, max: 4, noNaN: true }), bandwidth, slo, (r, factor, b, s) => {
        const low = tryPlan(input(r, b, s));
        const high = tryPlan(input(r * factor, b, s));
        if (!low || !high) return;
        expect(planCapacityRps(high, DEFAULT_PROFILES, DEFAULT_BOUNDS.maxInstances)).toBeGreaterThanOrEqual(
          planCapacityRps(low, DEFAULT_PROFILES, DEFAULT_BOUNDS.maxInstances) * (1 - 1e-9),
        );
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('at SLO 2 s and 48 req/s the edge carries everything with batches', () => {
    const result = plan(input(48, 20, 2000));
    expect(result.lanes.edge.share).toBe(1);
    expect(result.lanes.edge.batchSize).toBeGreaterThan(1);
    expect(result.predicted.p99LatencyMs.edge).toBeLessThanOrEqual(2000);
  });

  it('with the edge down all traffic goes serverless, batched, at the cheapest memory', () => {
    const result = plan(input(48, 20, 1000, false));
    expect(result.lanes.serverless.share).toBe(1);
    expect(result.lanes.edge.share).toBe(0);
    expect(result.serverless.memoryMb).toBe(1024);
  });

  it('an SLO nothing meets throws InfeasibleSloError naming the smallest feasible SLO', () => {
    let caught: unknown;
    try {
      plan(input(48, 20, 500));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InfeasibleSloError);
    const error = caught as InfeasibleSloError;
    expect(error.status).toBe(400);
    expect(error.minFeasibleSloMs).toBeGreaterThan(500);
    expect(error.message).toContain(`${(error.minFeasibleSloMs / 1000).toFixed(3)} s`);
    expect(tryPlan(input(48, 20, error.minFeasibleSloMs))).toBeDefined();
    expect(tryPlan(input(48, 20, error.minFeasibleSloMs - 2))).toBeUndefined();
  });

  it('rejects bad input with Expected-X messages', () => {
    expect(() => plan(input(-1, 20, 1000))).toThrow('Expected rateRps, a finite rate >= 0, got -1');
    expect(() => plan(input(1, 0, 1000))).toThrow(/bandwidthMbps.serverless > 0/);
  });
});
