import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD_BYTES, evaluatePlan, planBestEffort, planSeed, tryPlan } from '../../../shared/core/planner/index.js';
import type { Plan } from '../../../shared/core/types.js';
import { plannerInput } from './fixtures.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';

/** The Twitter hour's rate against an LTE uplink (the AT&T trace averages about 0.9 Mbit/s) to FC. */
const input = (rateRps: number, serverlessMbps: number, sloMs: number, edgeHealthy = true) => plannerInput(rateRps, serverlessMbps, sloMs, edgeHealthy, 100);

const withLanes = (plan: Plan, edge: Partial<Plan['lanes']['edge']>, serverless: Partial<Plan['lanes']['serverless']>): Plan => ({
  ...plan,
  lanes: { edge: { ...plan.lanes.edge, ...edge }, serverless: { ...plan.lanes.serverless, ...serverless } },
});

describe('link capacity', () => {
  it('never plans more traffic on a lane than its link carries within the bound', () => {
    // 48 req/s of 24 KB is 9.3 Mbit/s: a 1 Mbit/s link carries about 4 req/s at 80 %.
    expect(tryPlan(input(48, 1, 2000, false))).toBeUndefined();
    const capacity = (0.8 * 1e6) / (DEFAULT_PAYLOAD_BYTES * 8);
    const plan = tryPlan(input(capacity * 0.9, 1, 2000, false));
    expect(plan?.lanes.serverless.share).toBe(1);
    expect(tryPlan(input(capacity * 1.1, 1, 2000, false))).toBeUndefined();
    const bestEffort = planBestEffort(input(48, 1, 2000));
    expect(bestEffort.lanes.serverless.share * 48).toBeLessThanOrEqual(capacity + 1e-9);
  });
});

describe('planBestEffort', () => {
  it('is the plan that reaches the target whenever one does', () => {
    const feasible = input(20, 20, 2000);
    expect(planBestEffort(feasible)).toEqual(tryPlan(feasible));
  });

  // The prototype's topology overloaded: 160 req/s against a LAN Orin that carries about 125 and an FC uplink
  // that carries about 4.
  const overloaded = input(160, 0.9, 1000);

  it('past what can be reached, keeps the real SLO and gives the edge a share its batches carry', () => {
    expect(tryPlan(overloaded)).toBeUndefined();
    const plan = planBestEffort(overloaded);
    expect(plan.sloMs).toBe(1000);
    expect(plan.rateRps).toBe(160);
    expect(plan.lanes.edge.share + plan.lanes.serverless.share).toBeCloseTo(1, 9);
    const edge = plan.lanes.edge;
    const mean = DEFAULT_PROFILES.edge.mean;
    expect((1000 * edge.batchSize) / (mean.baseMs + mean.perItemMs * edge.batchSize)).toBeGreaterThan(160 * edge.share);
    expect(plan.predicted.attainment).toBeGreaterThan(0.5);
    expect(plan.predicted.attainment).toBeLessThan(plan.sloTarget);
  });

  it('answers more requests in time, by its own model, than the alternatives it was built to beat', () => {
    const plan = planBestEffort(overloaded);
    const ours = evaluatePlan(overloaded, plan).attainment;
    const alternatives: Plan[] = [
      planSeed(overloaded),
      withLanes(plan, { batchSize: 2, timeoutMs: 100, share: 1 }, { share: 0 }), // small edge batches
      withLanes(plan, { batchSize: 20, timeoutMs: 400, share: 1 }, { share: 0 }), // the prototype's defaults
      withLanes(plan, { share: 0.5 }, { share: 0.5 }), // far more serverless than the link carries
    ];
    for (const alternative of alternatives) expect(ours).toBeGreaterThanOrEqual(evaluatePlan(overloaded, alternative).attainment - 0.002);
    expect(ours).toBeGreaterThan(evaluatePlan(overloaded, alternatives[1]!).attainment + 0.3);
  });

  it('keeps the plan in force while it is about as good, and drops it when a lane it uses goes down', () => {
    const current = planBestEffort(overloaded);
    const nudged = planBestEffort(input(162, 0.9, 1000), current);
    expect(nudged.lanes).toEqual(current.lanes);
    expect(nudged.rateRps).toBe(162); // the inputs it now stands for, so drift is judged from here
    const edgeDown = planBestEffort(input(160, 0.9, 1000, false), current);
    expect(edgeDown.lanes.edge.share).toBe(0);
    expect(edgeDown.lanes.serverless.share).toBe(1);
  });

  it('lets the split lag by up to 3 points while both lanes stay open, but opens a closed lane for less', () => {
    // Both open: the queue's placement by likely completion makes up for a split the model rates lower.
    const fast = input(160, 4.8, 1000);
    const best = planBestEffort(fast);
    const gap = (plan: Plan) => evaluatePlan(fast, best).attainment - evaluatePlan(fast, plan).attainment;
    const lagging = withLanes(best, { share: 0.9 }, { share: 0.1 });
    expect(gap(lagging)).toBeGreaterThan(0.01);
    expect(planBestEffort(fast, lagging).lanes).toEqual(lagging.lanes);
    const further = withLanes(best, { share: 0.92 }, { share: 0.08 });
    expect(gap(further)).toBeGreaterThan(0.03);
    expect(planBestEffort(fast, further).lanes).toEqual(best.lanes);
    // A closed lane gets no placement at all: a gain past 1 point opens it.
    const closed = withLanes(planBestEffort(overloaded), { share: 1 }, { share: 0 });
    expect(planBestEffort(overloaded, closed).lanes.serverless.share).toBeGreaterThan(0);
  });

  it('still plans something when the SLO is shorter than almost any answer', () => {
    const tight = input(10, 100, 100);
    const plan = planBestEffort(tight);
    expect(plan.sloMs).toBe(100);
    expect(plan.lanes.edge.share + plan.lanes.serverless.share).toBeCloseTo(1, 9);
    expect(plan.predicted.attainment).toBeGreaterThan(0);
  });
});
