/**
 * A stand-in for the scheduler's `GET /v1/state` and `GET /v1/plan`, fed from real data, so the dashboard can
 * be exercised in a browser before the scheduler runs: arrival rate from the Twitter per-second counts,
 * edge bandwidth from a Ghent 4G car log, edge latencies from the prototype's Jetson Orin measurements.
 * Every call to /v1/state advances its clock by one second (one new sample), so the page has to redraw.
 */
import { Hono } from 'hono';
import { StateHistoryBuffer } from '../../functions/scheduler/ops/state-history.js';
import type { Plan } from '../../shared/core/types.js';
import type { SchedulerState } from '../../shared/protocol/http-schemas.js';
import { readDataText } from '../support/data.js';

const START_MS = Date.UTC(2016, 4, 25, 15, 0, 0);

function column(path: string, split: RegExp, index: number, limit: number): number[] {
  return readDataText(path).split('\n', limit).map((line) => Number(line.trim().split(split)[index]));
}

export function createStateFixture(): { app: Hono; calls: () => number } {
  // Seconds 3600.. of the per-second counts: about 48 req/s with real bursts.
  const rate = column('traces/arrivals/twitter-may25/per-second-23h.csv.gz', /,/, 3, 4000).slice(3600);
  const ghent = readDataText('seed/bandwidth/report_car_0002.log').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const bandwidth = ghent.map((f) => (f[4]! * 8) / f[5]! / 1000);
  const orinMs = column('seed/measurements/fitting_orin.txt', /\s+/, 2, 200).filter(Number.isFinite).map((s) => s * 1000);

  const history = new StateHistoryBuffer(300);
  // Requests ended and answered within the SLO, per second: 99.5% of the arrivals, rounded down (display only).
  const ended: { requests: number; withinSlo: number }[] = [];
  let second = 0;
  let plan: Plan | null = null;

  const makePlan = (tMs: number, rateRps: number, bw: number, reason: Plan['reason']): Plan => ({
    policy: 'ours',
    createdAtMs: tMs,
    reason,
    rateRps,
    bandwidthMbps: { edge: bw, serverless: 100 },
    sloMs: 1000,
    sloTarget: 0.999,
    lanes: { edge: { batchSize: 20, timeoutMs: 400, share: 0.8 }, serverless: { batchSize: 2, timeoutMs: 150, share: 0.2 } },
    serverless: { memoryMb: 2048, cpu: 1 },
    warmInstances: 2,
    predicted: { p99LatencyMs: { edge: 620, serverless: 910 }, costPerMillionUsd: 3.7, edgeUtilisation: 0.82, attainment: 0.9994 },
  });

  const step = (): void => {
    const tMs = START_MS + second * 1000;
    const r = rate[second % rate.length]!;
    const bw = bandwidth[second % bandwidth.length]!;
    ended.push({ requests: r, withinSlo: Math.floor(r * 0.995) });
    const lat = orinMs.slice(second % 40, (second % 40) + 10).sort((a, b) => a - b);
    history.push({
      tMs,
      rateRps: r,
      bandwidthMbps: { edge: bw, serverless: null },
      queueDepth: Math.round(r * 0.3),
      edgeShare: 0.8,
      latencyMs: { edge: { p50: lat[5]!, p99: lat[9]! }, serverless: { p50: null, p99: null } },
    });
    // Mark a "rate" event where the count leaves its recent mean by 4 Poisson standard deviations (display only).
    const recent = rate.slice(Math.max(0, second - 10), second);
    const mean = recent.reduce((s, v) => s + v, 0) / Math.max(1, recent.length);
    if (recent.length === 10 && Math.abs(r - mean) > 4 * Math.sqrt(mean)) {
      history.addChangepoint(tMs, 'rate', 0.9);
      history.addReplan(tMs, 'rate-change');
      plan = makePlan(tMs, r, bw, 'rate-change');
    }
    if (plan === null) {
      plan = makePlan(tMs, r, bw, 'initial');
      history.addReplan(tMs, 'initial');
    }
    if (second % 25 === 24) history.addChangepoint(tMs, 'bandwidth', 0.7);
    second += 1;
  };
  for (let i = 0; i < 60; i++) step();

  let calls = 0;
  const app = new Hono();
  app.get('/v1/state', (c) => {
    calls += 1;
    step();
    const h = history.history();
    const last = h.tMs.length - 1;
    const count = (list: typeof ended) => {
      const requests = list.reduce((sum, x) => sum + x.requests, 0);
      const withinSlo = list.reduce((sum, x) => sum + x.withinSlo, 0);
      return { requests, withinSlo, attainment: requests > 0 ? withinSlo / requests : null };
    };
    const state: SchedulerState = {
      nowMs: h.tMs[last]!,
      queue: { depth: h.queueDepth[last] ?? 0, byLane: { edge: 10, serverless: 2 }, byPriority: { high: 1, low: 11 }, oldestWaitMs: 120 },
      estimates: { rateRps: h.rateRps[last] ?? 0, bandwidthMbps: { edge: h.bandwidthMbps.edge[last] ?? 0, serverless: 100 }, rateChangeProbability: 0.02, bandwidthChangeProbability: 0.01 },
      history: h,
      ...history.events(),
      lanes: { edge: { healthy: true, agents: [{ id: 'orin-1', batchUrl: 'http://10.0.0.7:9200/v1/batch', healthy: true, lastSeenMs: h.tMs[last]! }] }, serverless: { healthy: true, target: 'edgebatch-inference' } },
      slo: {
        latencyMs: 1000,
        target: 0.999,
        planTarget: plan?.sloTarget ?? null,
        predictedAttainment: plan?.predicted.attainment ?? null,
        measured: { sinceStart: count(ended), recent: { ...count(ended.slice(-60)), windowMs: 60_000 } },
      },
      hedges: { sent: { edge: 0, serverless: 12 }, won: { edge: 0, serverless: 9 }, costUsd: 0.000412 },
      plan,
    };
    return c.json(state);
  });
  app.get('/v1/plan', (c) => c.json({ plan, version: 1 }));
  return { app, calls: () => calls };
}
