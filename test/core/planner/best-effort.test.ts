import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD_BYTES, maxFeasibleRate, planBestEffort, tryPlan } from '../../../shared/core/planner/index.js';
import { plannerInput } from './fixtures.js';

/** The Twitter hour's rate against an LTE uplink (the AT&T trace averages about 0.9 Mbit/s) to FC. */
const input = (rateRps: number, serverlessMbps: number, sloMs: number, edgeHealthy: boolean) => plannerInput(rateRps, serverlessMbps, sloMs, edgeHealthy, 1000);

describe('link capacity', () => {
  it('never plans more traffic on a lane than its link carries within the bound', () => {
    // 48 req/s of 24 KB is 9.3 Mbit/s: a 1 Mbit/s link carries about 4 req/s at 80 %.
    expect(tryPlan(input(48, 1, 2000, false))).toBeUndefined();
    const capacity = (0.8 * 1e6) / (DEFAULT_PAYLOAD_BYTES * 8);
    const plan = tryPlan(input(capacity * 0.9, 1, 2000, false));
    expect(plan?.lanes.serverless.share).toBe(1);
    expect(tryPlan(input(capacity * 1.1, 1, 2000, false))).toBeUndefined();
  });
});

describe('planBestEffort', () => {
  it('keeps the real SLO and plans for the largest rate that meets it', () => {
    const overloaded = input(48, 1, 2000, false);
    const capped = maxFeasibleRate(overloaded)!;
    expect(capped.rateRps).toBeGreaterThan(0);
    expect(capped.rateRps).toBeLessThan(48);
    expect(tryPlan({ ...overloaded, rateRps: capped.rateRps * 1.05 })).toBeUndefined();
    const plan = planBestEffort(overloaded);
    expect(plan.sloMs).toBe(2000);
    expect(plan.rateRps).toBe(48); // the observed rate, so drift is judged against what arrives
    expect(Math.max(plan.predicted.p99LatencyMs.edge, plan.predicted.p99LatencyMs.serverless)).toBeLessThanOrEqual(2000 + 1);
  });

  it('is the cost-optimal plan whenever one exists', () => {
    const feasible = input(20, 20, 2000, true);
    expect(planBestEffort(feasible)).toEqual(tryPlan(feasible));
  });

  it('falls back to the smallest SLO that can be met only when no rate can meet the SLO', () => {
    // The edge's fitted p99 at batch 1 is above 0.5 s, and FC's too: no rate meets 0.5 s.
    const impossible = input(10, 100, 500, true);
    expect(maxFeasibleRate(impossible)).toBeUndefined();
    const plan = planBestEffort(impossible);
    expect(plan.sloMs).toBe(500);
    expect(plan.lanes.edge.share + plan.lanes.serverless.share).toBeCloseTo(1, 9);
  });
});
