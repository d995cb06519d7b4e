import { describe, expect, it } from 'vitest';
import { simulate } from '../../../shared/core/sim/index.js';
import { bandwidthTrace } from '../../../shared/core/traces/bandwidth-trace.js';
import { constantPlanners, evenArrivals, fixedPlan, profiles } from './fixtures.js';

const plan = fixedPlan({ batchSize: 2, timeoutMs: 100, share: 1 }, { batchSize: 1, timeoutMs: 0, share: 0 });
const run = (policies: string[], durationMs = 60_000) =>
  simulate({
    arrivalsMs: evenArrivals(durationMs / 100 - 1, 100),
    durationMs,
    bandwidth: bandwidthTrace([0], [10], 1000),
    profiles: profiles(),
    sloMs: 1000,
    policies,
    planners: constantPlanners(plan),
  }).runs.map((r) => r.result);

describe('policies under the simulator', () => {
  it('periodic re-plans every 5 s, static never, the oracle only when its truth changes', () => {
    const [periodic, fixed, oracle] = run(['periodic', 'static', 'oracle']);
    // Observations end at 2 s ... 60 s (the first interval seeds the initial plan): re-plans at 5, 10, ..., 60 s.
    expect(periodic!.replans).toBe(12);
    expect(fixed!.replans).toBe(0);
    // Ten arrivals every second, a constant link: the oracle's truth never changes after the first second.
    expect(oracle!.replans).toBeLessThanOrEqual(1);
  });

  it('static splits as the prototype alternated: 20 of every 22 requests to the edge', () => {
    const [fixed] = run(['static']);
    expect(fixed!.edgeShare).toBeCloseTo(20 / 22, 2);
  });

  it('aimd grows the batch after batches within the SLO', () => {
    const [aimd] = run(['aimd']);
    expect(aimd!.sloAttainment).toBe(1);
    expect(aimd!.replans).toBeGreaterThan(0);
  });

  it('edge-only and serverless-only keep to their lane', () => {
    const [edge, serverless] = run(['edge-only', 'serverless-only']);
    expect(edge!.serverlessInvocations).toBe(0);
    expect(serverless!.serverlessInvocations).toBeGreaterThan(0);
  });
});
