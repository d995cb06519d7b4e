import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD_BYTES, evaluatePlan, planBestEffort, planSeed, tryPlan } from '../../../shared/core/planner/index.js';
import type { Plan } from '../../../shared/core/types.js';
import { plannerInput } from './fixtures.js';

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
  it('is the cost-optimal plan whenever one promises the tail', () => {
    const feasible = input(20, 20, 2000);
    expect(planBestEffort(feasible)).toEqual(tryPlan(feasible));
  });

  it('past what can be promised, keeps the real SLO and batches enough to carry the rate', () => {
    // The Orin's p99 (837 ms + 3.9 ms per image) cannot promise 1 s at 48 req/s: no exact plan.
    const overloaded = input(48, 0.9, 1000);
    expect(tryPlan(overloaded)).toBeUndefined();
    const plan = planBestEffort(overloaded);
    expect(plan.sloMs).toBe(1000);
    expect(plan.rateRps).toBe(48);
    expect(plan.lanes.edge.share + plan.lanes.serverless.share).toBeCloseTo(1, 9);
    // The edge can take a batch that serves its share: batch / mean service time above its rate.
    const edge = plan.lanes.edge;
    expect((1000 * edge.batchSize) / (433.5 + 2 * edge.batchSize)).toBeGreaterThan(48 * edge.share);
    expect(plan.predicted.attainment).toBeGreaterThan(0.8);
  });

  it('answers more requests in time, by its own model, than the alternatives it was built to beat', () => {
    const overloaded = input(48, 0.9, 1000);
    const plan = planBestEffort(overloaded);
    const ours = evaluatePlan(overloaded, plan).attainment;
    const alternatives: Plan[] = [
      planSeed(overloaded),
      withLanes(plan, { batchSize: 2, timeoutMs: 100, share: 1 }, { share: 0 }), // the p99 planner's edge batch
      withLanes(plan, { batchSize: 20, timeoutMs: 400, share: 1 }, { share: 0 }), // the prototype's defaults
      withLanes(plan, { share: 0.5 }, { share: 0.5 }), // far more serverless than the link carries
    ];
    for (const alternative of alternatives) expect(ours).toBeGreaterThanOrEqual(evaluatePlan(overloaded, alternative).attainment - 0.002);
    expect(ours).toBeGreaterThan(evaluatePlan(overloaded, alternatives[1]!).attainment + 0.3);
  });

  it('keeps the plan in force while it is about as good, and drops it when a lane it uses goes down', () => {
    const current = planBestEffort(input(48, 0.9, 1000));
    const nudged = planBestEffort(input(50, 0.95, 1000), current);
    expect(nudged.lanes).toEqual(current.lanes);
    expect(nudged.rateRps).toBe(50); // the inputs it now stands for, so drift is judged from here
    const edgeDown = planBestEffort(input(48, 0.9, 1000, false), current);
    expect(edgeDown.lanes.edge.share).toBe(0);
    expect(edgeDown.lanes.serverless.share).toBe(1);
  });

  it('lets the split lag by up to 3 points while both lanes stay open, but opens a closed lane for less', () => {
    // Both open: the queue's placement by likely completion makes up for a split the model rates lower.
    const fast = input(48, 4.8, 1000);
    const best = planBestEffort(fast);
    const gap = (plan: Plan) => evaluatePlan(fast, best).attainment - evaluatePlan(fast, plan).attainment;
    const lagging = withLanes(best, { share: 0.7 }, { share: 0.3 });
    expect(gap(lagging)).toBeGreaterThan(0.02);
    expect(planBestEffort(fast, lagging).lanes).toEqual(lagging.lanes);
    const further = withLanes(best, { share: 0.75 }, { share: 0.25 });
    expect(gap(further)).toBeGreaterThan(0.03);
    expect(planBestEffort(fast, further).lanes).toEqual(best.lanes);
    // A closed lane gets no placement at all, so a smaller predicted gain opens it.
    const slow = input(48, 1, 1000);
    const closed = withLanes(planBestEffort(slow), { share: 1 }, { share: 0 });
    expect(evaluatePlan(slow, planBestEffort(slow)).attainment - evaluatePlan(slow, closed).attainment).toBeLessThan(0.03);
    expect(planBestEffort(slow, closed).lanes.serverless.share).toBeGreaterThan(0);
  });

  it('still plans something when no lane can meet the SLO at any rate', () => {
    // The edge's fitted p99 at batch 1 is above 0.5 s, and FC's too.
    const impossible = input(10, 100, 500);
    const plan = planBestEffort(impossible);
    expect(plan.sloMs).toBe(500);
    expect(plan.lanes.edge.share + plan.lanes.serverless.share).toBeCloseTo(1, 9);
    expect(plan.predicted.attainment).toBeGreaterThan(0);
  });
});
