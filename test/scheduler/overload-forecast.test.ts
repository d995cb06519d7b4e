/**
 * Issue 6 (overload), admission by predicted completion over real HTTP: a burst far past what the lane can serve
 * in time is refused at once with 429, Retry-After and an "Overloaded" message, well below the queue bound,
 * while every admitted request still gets its result. The lane is the real inference app with the real model
 * on loopback, held shut by a gate: every refusal comes back before any batch completes, so none waited for
 * the lane (order, not timing, is asserted). The forecast runs on the built-in profiles' mean batch time
 * (several hundred ms for FC) behind the requests queued for the shut lane.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScheduler, type SchedulerInstance } from '../../functions/scheduler/create-scheduler.js';
import { createInferenceApp } from '../../functions/inference/local-app.js';
import { createLogger } from '../../functions/scheduler/ops/logger.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { SchedulerConfigSchema } from '../../shared/protocol/config.js';
import { listen } from '../ops/serve.js';
import { textHelloJpeg } from '../model/support.js';

const MAX_QUEUED = 1000;
const MAX_BATCH = 2;
const SENT = 80;
/** Long enough for the admitted requests to be served after the gate opens, short enough that 80 do not fit. */
const SLO_MS = 10_000;

describe('the scheduler under a burst past what its lanes serve in time', () => {
  let scheduler: SchedulerInstance;
  let server: Awaited<ReturnType<typeof listen>>;
  let lane: { url: string; close: () => void };
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let gateOpen = false;
  let batchesCompleted = 0;

  beforeAll(async () => {
    const model = getModelRunner();
    await model.load();
    const inference = createInferenceApp({ model, maxBodyBytes: 8 * 1024 * 1024 });
    const gated = async (request: Request) => {
      if (new URL(request.url).pathname !== '/v1/batch') return inference.fetch(request);
      await gate;
      const response = await inference.fetch(request);
      batchesCompleted += 1;
      return response;
    };
    lane = await new Promise((resolve) => {
      const running = serve({ fetch: gated, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
        resolve({ url: `http://127.0.0.1:${info.port}/v1/batch`, close: () => running.close() }),
      );
    });
    const config = SchedulerConfigSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      store: { kind: 'memory' },
      logging: { level: 'silent' },
      slo: { sloMs: SLO_MS },
      limits: { maxQueued: MAX_QUEUED },
      lanes: { serverless: { url: lane.url, maxConcurrency: 1 } },
      planner: { bounds: { maxServerlessBatch: MAX_BATCH, maxEdgeBatch: MAX_BATCH, maxTimeoutMs: 1_000 } },
    });
    scheduler = await createScheduler(config, { logger: createLogger({ level: 'silent', destination: { write: () => undefined } }) });
    server = await listen(scheduler.app);
  }, 60_000);
  afterAll(async () => {
    openGate();
    await server?.close();
    await scheduler?.close();
    lane?.close();
  });

  it('answers 429 Overloaded + Retry-After before any batch completes, far below the queue bound, and serves the admitted', async () => {
    const image = new Uint8Array(textHelloJpeg());
    const answers = Array.from({ length: SENT }, () =>
      fetch(`${server.url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg', 'x-priority': 'high' }, body: image }).then(async (response) => ({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: (await response.json()) as { error?: { code: string; message: string }; placement?: string },
        beforeGateOpened: !gateOpen,
        batchesCompletedBefore: batchesCompleted,
      })),
    );
    let refusedSoFar = 0;
    for (const answer of answers) void answer.then((a) => void (a.status === 429 && (refusedSoFar += 1)));
    await vi.waitFor(() => expect(refusedSoFar + scheduler.engine.inFlightRequests).toBe(SENT), { timeout: 30_000, interval: 20 });
    const queuedAtMost = scheduler.engine.queueSnapshot().size;
    gateOpen = true;
    openGate();
    const all = await Promise.all(answers);

    const refusals = all.filter((a) => a.status === 429);
    const admitted = all.filter((a) => a.status !== 429);
    expect(refusals.length).toBeGreaterThan(0);
    expect(admitted.length).toBeGreaterThan(MAX_BATCH);
    expect(queuedAtMost).toBeLessThan(MAX_QUEUED);
    for (const refusal of refusals) {
      expect(refusal.beforeGateOpened).toBe(true);
      expect(refusal.batchesCompletedBefore).toBe(0);
      expect(refusal.body.error?.code).toBe('queue_full');
      expect(refusal.body.error?.message).toMatch(/^Overloaded/);
      expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    for (const answer of admitted) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.placement).toBe('serverless');
    }
    expect(scheduler.engine.queueSnapshot().totals.refused.overloaded).toBe(refusals.length);
    expect(scheduler.engine.inFlightRequests).toBe(0);
  }, 120_000);
});
