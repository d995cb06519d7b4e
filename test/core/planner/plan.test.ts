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
  it('a plan that reaches the target predicts at least the target, and its shares sum to 1', () => {
    fc.assert(
      fc.property(rate, bandwidth, slo, fc.boolean(), (r, b, s, edgeUp) => {
        const result = tryPlan(input(r, b, s, edgeUp));
        if (!result) return;
        expect(result.predicted.attainment).toBeGreaterThanOrEqual(result.sloTarget);
        expect(result.lanes.edge.share + result.lanes.serverless.share).toBeCloseTo(1, 9);
        if (!edgeUp) expect(result.lanes.edge.share).toBe(0);
      }),
      { numRuns: 40, seed: 1 },
    );
  });

  it('a plan that reaches the target can carry its rate', () => {
    fc.assert(
      fc.property(rate, bandwidth, slo, (r, b, s) => {
        const result = tryPlan(input(r, b, s));
        if (!result) return;
        expect(planCapacityRps(result, DEFAULT_PROFILES, DEFAULT_BOUNDS.maxInstances)).toBeGreaterThanOrEqual(r * (1 - 1e-9));
      }),
      { numRuns: 30, seed: 3 },
    );
  });

  it('at SLO 1 s and 48 req/s a LAN edge carries everything, batching what waits', () => {
    const result = plan(input(48, 20, 1000));
    expect(result.lanes.edge.share).toBe(1);
    expect(result.lanes.edge.batchSize).toBeGreaterThan(1);
    expect(result.predicted.attainment).toBeGreaterThanOrEqual(0.999);
  });

  it('with the edge down all traffic goes serverless, at the cheapest memory; a steady load keeps its own pool warm', () => {
    const result = plan({ ...input(48, 1000, 1000, false), rttMs: { edge: 50, serverless: 30 } });
    expect(result.lanes.serverless.share).toBe(1);
    expect(result.lanes.edge.share).toBe(0);
    expect(result.serverless.memoryMb).toBe(1024);
    // About 17 calls in flight: the levels it reaches go cold about once a keep-alive each, too few to matter.
    expect(result.warmInstances).toBe(0);
  });

  it('keeps an instance warm when calls come too seldom to keep one alive', () => {
    // A call every 200 s against a 300 s keep-alive: about one call in five would start cold.
    const result = plan({ ...input(0.005, 1000, 1000, false), rttMs: { edge: 50, serverless: 30 } });
    expect(result.lanes.serverless.share).toBe(1);
    expect(result.warmInstances).toBeGreaterThanOrEqual(1);
    expect(result.predicted.attainment).toBeGreaterThanOrEqual(0.999);
  });

  it('a target nothing reaches throws InfeasibleSloError naming the smallest latency that reaches it', () => {
    let caught: unknown;
    try {
      plan(input(48, 20, 200));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InfeasibleSloError);
    const error = caught as InfeasibleSloError;
    expect(error.code).toBe('infeasible');
    expect(error.minFeasibleSloMs).toBeGreaterThan(200);
    expect(error.bestAttainment).toBeLessThan(0.999);
    expect(error.message).toContain(`${(error.minFeasibleSloMs / 1000).toFixed(3)} s`);
    expect(tryPlan(input(48, 20, error.minFeasibleSloMs))).toBeDefined();
    expect(tryPlan(input(48, 20, error.minFeasibleSloMs - 2))).toBeUndefined();
  });

  it('a lower target is met more cheaply or as cheaply', () => {
    const strict = plan({ ...input(48, 1000, 1000, false), rttMs: { edge: 50, serverless: 30 } });
    const loose = plan({ ...input(48, 1000, 1000, false), rttMs: { edge: 50, serverless: 30 }, sloTarget: 0.99 });
    expect(loose.predicted.costPerMillionUsd).toBeLessThanOrEqual(strict.predicted.costPerMillionUsd);
    expect(loose.predicted.attainment).toBeGreaterThanOrEqual(0.99);
  });

  it('rejects bad input with Expected-X messages', () => {
    expect(() => plan(input(-1, 20, 1000))).toThrow('Expected rateRps, a finite rate >= 0, got -1');
    expect(() => plan(input(1, 0, 1000))).toThrow(/bandwidthMbps.serverless > 0/);
    expect(() => plan({ ...input(1, 20, 1000), sloTarget: 1 })).toThrow(/sloTarget, a fraction in \(0, 1\)/);
  });
});

describe('plan shares', () => {
  it('never exceed 1 whatever the rounding of the split steps (the queue refuses such a plan)', () => {
    // Rates whose split steps do not add up exactly in floating point.
    for (const rate of [0.3, 3.3, 47.7, 48.1, 96.7, 142.9]) {
      for (const edgeMbps of [0.7, 2, 4.5, 20]) {
        const result = tryPlan({ ...input(rate, 1000, 1000, true, edgeMbps), rttMs: { edge: 50, serverless: 30 } }) ?? plan({ ...input(rate, 1000, 5000, true, edgeMbps), rttMs: { edge: 50, serverless: 30 } });
        expect(result.lanes.edge.share).toBeLessThanOrEqual(1);
        expect(result.lanes.serverless.share).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
