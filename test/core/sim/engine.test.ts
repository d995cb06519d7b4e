import { describe, expect, it } from 'vitest';
import { coldStartCostUsd, DEFAULT_PRICES, serverlessCallCostUsd } from '../../../shared/core/pricing/index.js';
import { simulate } from '../../../shared/core/sim/index.js';
import { bandwidthTrace } from '../../../shared/core/traces/bandwidth-trace.js';
import { constantPlanners, evenArrivals, fixedPlan, flat, profiles } from './fixtures.js';

const payloadBytes = 24_178;
const bits = payloadBytes * 8;

describe('simulate: timings against hand-computed values', () => {
  // The prototype's topology (the bandwidth trace is FC's uplink, the edge a 100 Mbit/s LAN): the numbers stay by hand.
  it('an edge batch of one: LAN transfer + mean service + round trip', () => {
    const plan = fixedPlan({ batchSize: 1, timeoutMs: 0, share: 1 }, { batchSize: 1, timeoutMs: 0, share: 0 });
    const result = simulate({
      arrivalsMs: evenArrivals(50, 100),
      durationMs: 5_000,
      bandwidth: bandwidthTrace([0], [10], 1000),
      profiles: profiles(flat(50, 5)),
      sloMs: 1000,
      policies: ['periodic'],
      planners: constantPlanners(plan),
      options: { payloadBytes, tracedLane: 'serverless', fixedLaneMbps: 100, rttMs: { edge: 2, serverless: 40 } },
    });
    const run = result.runs[0]!;
    const expectedLatency = bits / 100_000 + 55 + 2;
    expect(run.result.latencyP50Ms).toBeCloseTo(expectedLatency, 9);
    expect(run.result.latencyMaxMs).toBeCloseTo(expectedLatency, 9);
    expect(run.result.sloAttainment).toBe(1);
    expect(run.result.edgeShare).toBe(1);
    expect(run.result.serverlessInvocations).toBe(0);
    // The edge box is paid for the scenario's hour fraction, whatever its load.
    expect(run.result.costTotalUsd).toBeCloseTo((0.08 * 5_000) / 3_600_000, 12);
  });

  it('serverless calls of one: uplink transfer, one cold start, service, round trip, CU cost', () => {
    const plan = fixedPlan({ batchSize: 1, timeoutMs: 0, share: 0 }, { batchSize: 1, timeoutMs: 0, share: 1 });
    const result = simulate({
      arrivalsMs: evenArrivals(10, 1000),
      durationMs: 10_000,
      bandwidth: bandwidthTrace([0], [10], 1000),
      profiles: profiles(flat(50, 5), flat(200, 100)),
      sloMs: 2000,
      policies: ['periodic'],
      planners: constantPlanners(plan),
      options: { payloadBytes, tracedLane: 'serverless', rttMs: { edge: 2, serverless: 40 } },
    });
    const r = result.runs[0]!.result;
    const warm = bits / 10_000 + 300 + 40;
    expect(r.latencyMaxMs).toBeCloseTo(warm + 300, 9); // the first call starts an instance (coldStartMs 300)
    expect(r.latencyP50Ms).toBeCloseTo(warm, 9);
    expect(r.coldStarts).toBe(1);
    expect(r.serverlessInvocations).toBe(10);
    const config = { memoryMb: 1024, cpu: 0.5 };
    // Independently: 0.65 CU/s (0.5 vCPU + 1 GB * 0.15) for 0.3 s plus 0.0075 CU per call, at USD 0.00002/CU.
    expect(serverlessCallCostUsd(DEFAULT_PRICES, config, 300)).toBeCloseTo(0.00002 * (0.65 * 0.3 + 0.0075), 15);
    // The calls, the cold start, and the edge box's hour fraction: it is part of the deployment, used or not.
    const expectedUsd = 10 * 0.00002 * (0.65 * 0.3 + 0.0075) + 0.00002 * 0.65 * 0.3 + (0.08 * 10_000) / 3_600_000;
    expect(r.costTotalUsd).toBeCloseTo(expectedUsd, 12);
    expect(coldStartCostUsd(DEFAULT_PRICES, config, 300)).toBeCloseTo(0.00002 * 0.65 * 0.3, 15);
  });

  it('refuses what no lane can serve within the SLO and counts it as missed', () => {
    const plan = fixedPlan({ batchSize: 1, timeoutMs: 0, share: 0 }, { batchSize: 1, timeoutMs: 0, share: 1 }, 200);
    const result = simulate({
      arrivalsMs: evenArrivals(20, 250),
      durationMs: 5_000,
      bandwidth: bandwidthTrace([0], [10], 1000),
      profiles: profiles(),
      sloMs: 200,
      policies: ['periodic'],
      planners: constantPlanners(plan),
    });
    const r = result.runs[0]!.result;
    expect(r.rejected).toBe(20);
    expect(r.sloAttainment).toBe(0);
  });

  it('is deterministic for a seed, and the noise follows the seed', () => {
    const plan = fixedPlan({ batchSize: 4, timeoutMs: 50, share: 1 }, { batchSize: 1, timeoutMs: 0, share: 0 });
    const run = (seed: number) =>
      simulate({
        arrivalsMs: evenArrivals(400, 25),
        durationMs: 10_000,
        bandwidth: bandwidthTrace([0], [10], 1000),
        profiles: profiles(flat(50, 5, [-0.3, -0.1, 0, 0.1, 0.5])),
        sloMs: 1000,
        policies: ['periodic'],
        planners: constantPlanners(plan),
        options: { seed },
      }).runs[0]!;
    const a = run(7);
    const b = run(7);
    const c = run(8);
    expect(b.result).toEqual(a.result);
    expect(b.latencyCdfMs).toEqual(a.latencyCdfMs);
    expect(c.latencyCdfMs).not.toEqual(a.latencyCdfMs);
  });
});

describe('simulate: hedged dispatch', () => {
  it('sends batches stuck on a dead edge link to FC in time, answers each request once, and leaves on-time batches alone', () => {
    const plan = { ...fixedPlan({ batchSize: 1, timeoutMs: 0, share: 1 }, { batchSize: 1, timeoutMs: 0, share: 0 }), warmInstances: 4 };
    // The edge link carries 10 Mbit/s (an image in 19 ms) but nothing from 2.5 s to 5 s.
    const bandwidth = bandwidthTrace([0, 2500, 5000], [10, 1e-6, 10], 7000);
    const run = (policy: string) =>
      simulate({
        arrivalsMs: evenArrivals(60, 100),
        durationMs: 7_000,
        bandwidth,
        profiles: profiles(flat(50, 5), flat(200, 100)),
        sloMs: 1000,
        policies: [policy],
        planners: constantPlanners(plan),
        options: { payloadBytes },
      }).runs[0]!.result;
    const ours = run('ours');
    const unhedged = run('edge-only');
    expect(ours.hedgesSent).toBeGreaterThan(0);
    // Only the batches caught on the dead link: before 2.5 s every edge answer comes in about 70 ms.
    expect(ours.hedgesSent).toBeLessThanOrEqual(12);
    expect(ours.hedgesWon).toBe(ours.hedgesSent);
    expect(ours.sloAttainment).toBeGreaterThan(unhedged.sloAttainment);
    // Each request answered once at most: the answered and the refused add up to what arrived.
    const answered = Math.round(ours.sloAttainment * ours.requests);
    expect(answered + ours.rejected).toBeLessThanOrEqual(ours.requests);
  });
});
