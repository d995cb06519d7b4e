import type { LatencyModel, Plan, ProfileSet } from '../../../shared/core/types.js';
import type { PlanFunction, Planners } from '../../../shared/core/sim/policy.js';

export const flat = (meanMs: number, perItemMs = 0, residuals: number[] = []): LatencyModel => ({
  mean: { baseMs: meanMs, perItemMs },
  p99: { baseMs: meanMs * 1.2, perItemMs: perItemMs * 1.2 },
  relativeResiduals: residuals,
  samples: 10,
  rmseMs: 0,
});

export const profiles = (edge: LatencyModel = flat(50, 5), serverless: LatencyModel = flat(200, 100)): ProfileSet => ({
  edge,
  serverless: [{ config: { memoryMb: 1024, cpu: 0.5 }, latency: serverless, coldStartMs: 300 }],
  source: 'test',
});

export function fixedPlan(edge: { batchSize: number; timeoutMs: number; share: number }, serverless: { batchSize: number; timeoutMs: number; share: number }, sloMs = 1000): Plan {
  return {
    policy: 'test',
    createdAtMs: 0,
    reason: 'initial',
    rateRps: 10,
    bandwidthMbps: { edge: 100, serverless: 10 },
    sloMs,
    sloTarget: 0.999,
    lanes: { edge, serverless },
    serverless: { memoryMb: 1024, cpu: 0.5 },
    warmInstances: 0,
    predicted: { p99LatencyMs: { edge: 0, serverless: 0 }, costPerMillionUsd: 0, edgeUtilisation: 0, attainment: 1 },
  };
}

/** A planner that always answers the same plan, but for closed lanes (tests of the engine, not of the planner). */
export const constantPlanners = (plan: Plan): Planners => {
  const planner: PlanFunction = (request) => {
    // A closed lane gets no share, as the real planner does.
    const edgeShare = request.lanes?.serverless === false ? 1 : request.lanes?.edge === false ? 0 : plan.lanes.edge.share;
    const lanes = { edge: { ...plan.lanes.edge, share: edgeShare }, serverless: { ...plan.lanes.serverless, share: 1 - edgeShare } };
    return { ...plan, lanes, createdAtMs: request.nowMs, reason: request.reason, rateRps: request.rateRps, bandwidthMbps: request.bandwidthMbps };
  };
  return { ours: planner, seed: planner };
};

/** Arrivals every `gapMs` from `gapMs` for `count` requests. */
export const evenArrivals = (count: number, gapMs: number) => Float64Array.from({ length: count }, (_, i) => (i + 1) * gapMs);
