/**
 * Hedged dispatch over real loopback HTTP: a whole scheduler (createScheduler) whose edge lane is an agent
 * stand-in that can stall, and whose serverless lane answers at once. A batch the stalled edge holds past its
 * hedge instant is copied to serverless and answered from there, each request exactly once, within the SLO;
 * `/v1/state` and `/metrics` count the hedges; a batch the edge answers on time is not hedged.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerInstance } from '../../functions/scheduler/create-scheduler.js';
import { createLogger } from '../../functions/scheduler/ops/logger.js';
import { DEFAULT_BOUNDS } from '../../shared/core/planner/input.js';
import type { LatencyModel, ProfileSet } from '../../shared/core/types.js';
import { SchedulerConfigSchema } from '../../shared/protocol/config.js';
import { InferResultSchema, SchedulerStateSchema, type InferResult, type SchedulerState } from '../../shared/protocol/http-schemas.js';
import { instantLaneApp, startInstantLane, type InstantLane } from '../integration/support/instant-lane.js';
import { find, parseExposition } from '../ops/prom-text.js';
import { listen } from '../ops/serve.js';
import { textHelloJpeg } from '../model/support.js';

const SLO_MS = 1000;
const EDGE_SLOTS = DEFAULT_BOUNDS.edgeSlots;

const model = (baseMs: number, perItemMs: number): LatencyModel => ({
  mean: { baseMs, perItemMs },
  p99: { baseMs: baseMs * 1.5, perItemMs: perItemMs * 1.5 },
  relativeResiduals: [0],
  samples: 20,
  rmseMs: 1,
});

/** A fast edge (the plan sends it everything: it is paid for anyway) and a slower, per-call-priced FC. */
const PROFILES: ProfileSet = {
  edge: model(5, 1),
  // Its p99 (about 310 ms) sets the hedge instant: that long before the deadline, leaving the copy a wide margin.
  serverless: [{ config: { memoryMb: 2048, cpu: 1 }, latency: model(200, 5), coldStartMs: 100 }],
  source: 'hedging test',
};

/** An edge agent stand-in that answers at once, or holds every batch while stalled (until released). */
function stallableEdge() {
  const counts = { batches: 0, items: 0 };
  const inner = instantLaneApp(counts);
  const held: (() => void)[] = [];
  const state = { stalled: false, received: 0 };
  const app = new Hono();
  app.all('*', async (c) => {
    if (new URL(c.req.url).pathname === '/v1/batch') {
      state.received += 1;
      if (state.stalled) await new Promise<void>((resolve) => held.push(resolve));
    }
    return inner.fetch(c.req.raw);
  });
  const release = () => {
    state.stalled = false;
    for (const resolve of held.splice(0)) resolve();
  };
  return { app, counts, state, release };
}

describe('hedged dispatch over HTTP', () => {
  const edge = stallableEdge();
  let edgeServer: Awaited<ReturnType<typeof listen>>;
  let serverless: InstantLane;
  let scheduler: SchedulerInstance;
  let server: Awaited<ReturnType<typeof listen>>;
  const image = new Uint8Array(textHelloJpeg());

  beforeAll(async () => {
    edgeServer = await listen(edge.app);
    serverless = await startInstantLane();
    const config = SchedulerConfigSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      store: { kind: 'memory' },
      logging: { level: 'silent' },
      slo: { latencyMs: SLO_MS },
      lanes: {
        edge: { urls: [`${edgeServer.url}/v1/batch`], rttMs: 1, initialBandwidthMbps: 1000 },
        serverless: { url: serverless.url, rttMs: 1 },
      },
    });
    scheduler = await createScheduler(config, { profiles: PROFILES, logger: createLogger({ level: 'silent', destination: { write: () => undefined } }) });
    server = await listen(scheduler.app);
  });
  afterAll(async () => {
    edge.release();
    await server?.close();
    await scheduler?.close();
    await serverless?.close();
    await edgeServer?.close();
  });

  const infer = async (count: number): Promise<InferResult[]> =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const response = await fetch(`${server.url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: image });
        expect(response.status).toBe(200);
        return InferResultSchema.parse(await response.json());
      }),
    );
  const state = async (): Promise<SchedulerState> => SchedulerStateSchema.parse(await (await fetch(`${server.url}/v1/state`)).json());
  const metrics = async () => parseExposition(await (await fetch(`${server.url}/metrics`)).text());

  it('plans everything onto the edge (so the serverless lane only sees hedges)', async () => {
    const { plan } = (await (await fetch(`${server.url}/v1/plan`)).json()) as { plan: { lanes: { edge: { share: number } } } };
    expect(plan.lanes.edge.share).toBe(1);
  });

  it('does not hedge batches the edge answers on time', async () => {
    const answers = await infer(6);
    expect(answers.map((answer) => [answer.placement, answer.hedged])).toEqual(Array.from({ length: 6 }, () => ['edge', false]));
    await new Promise((resolve) => setTimeout(resolve, SLO_MS)); // past every hedge instant those batches had
    expect(serverless.counts.items).toBe(0);
    expect((await state()).hedges).toEqual({ sent: { edge: 0, serverless: 0 }, won: { edge: 0, serverless: 0 }, costUsd: 0 });
    expect(scheduler.engine.hedgeTimers).toEqual({ armed: 0, timerSet: false });
  });

  it('hedges a batch the stalled edge holds: each request answered once, from serverless, within the SLO', async () => {
    edge.state.stalled = true;
    const received = edge.state.received;
    // As many as the edge has slots (EDGE_SLOTS), so that each is dispatched at once rather than queued behind them.
    const answers = await infer(EDGE_SLOTS);
    expect(edge.state.received).toBeGreaterThan(received); // the edge did get the batch, and sat on it
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(EDGE_SLOTS);
    for (const answer of answers) {
      expect(answer).toMatchObject({ placement: 'serverless', hedged: true, retried: false });
      expect(answer.timings.totalMs).toBeLessThanOrEqual(SLO_MS);
    }
    // One FC call per request (FC scales out), and nothing else reached it.
    expect(serverless.counts).toEqual({ batches: EDGE_SLOTS, items: EDGE_SLOTS });

    // The edge's late answers (or failures at their deadline) change nothing for the clients.
    edge.release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const view = await state();
    expect(view.hedges.sent).toEqual({ edge: 0, serverless: EDGE_SLOTS });
    expect(view.hedges.won).toEqual({ edge: 0, serverless: EDGE_SLOTS });
    expect(view.hedges.costUsd).toBeGreaterThan(0);
    // Hedges are not the plan's split: every request dispatched by the queue went to the edge.
    expect(view.history.edgeShare.filter((share) => share !== null).every((share) => share === 1)).toBe(true);

    const text = await metrics();
    expect(find(text, 'edgebatch_hedges_sent_total', { lane: 'serverless' })).toBe(EDGE_SLOTS);
    expect(find(text, 'edgebatch_hedges_won_total', { lane: 'serverless' })).toBe(EDGE_SLOTS);
    expect(find(text, 'edgebatch_hedge_cost_usd_total', {})).toBeCloseTo(view.hedges.costUsd, 12);
    // Exactly once: one result per request (6 on time, the others hedged), no error of any kind.
    expect(find(text, 'edgebatch_requests_total', { outcome: 'result' })).toBe(6 + EDGE_SLOTS);
    expect(text.samples.filter((sample) => sample.name === 'edgebatch_requests_total' && sample.labels.outcome !== 'result')).toEqual([]);
    expect(scheduler.engine.hedgeTimers).toEqual({ armed: 0, timerSet: false });
  });

  it('shows the SLO target beside the predicted and measured attainment', async () => {
    const { slo, plan } = await state();
    expect(slo).toMatchObject({ latencyMs: SLO_MS, target: 0.999, planTarget: 0.999, predictedAttainment: plan!.predicted.attainment });
    expect(slo.measured.sinceStart).toEqual({ requests: 6 + EDGE_SLOTS, withinSlo: 6 + EDGE_SLOTS, attainment: 1 });
    const text = await metrics();
    expect(find(text, 'edgebatch_slo_target_ratio', {})).toBe(0.999);
    expect(find(text, 'edgebatch_plan_slo_target_ratio', {})).toBe(0.999);
    expect(find(text, 'edgebatch_plan_predicted_attainment_ratio', {})).toBe(plan!.predicted.attainment);
    expect(find(text, 'edgebatch_slo_attainment_ratio', { window: 'since_start' })).toBe(1);
  });
});
