/**
 * Issue 6 (overload): with a small queue bound, requests beyond it are refused at once with 429, a JSON
 * `queue_full` error and a Retry-After header, while the admitted ones are still answered (a result, or a clear
 * error) once the lane moves. The lane is the real inference app with the real model on loopback, held shut by a
 * gate so the queue fills deterministically: no timing is asserted, only order (every 429 arrives while the gate
 * is still shut, so none waited for the lane).
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

const MAX_QUEUED = 6;
const MAX_BATCH = 2;
const SENT = 30;

describe('the scheduler under overload', () => {
  let scheduler: SchedulerInstance;
  let server: Awaited<ReturnType<typeof listen>>;
  let lane: { url: string; close: () => void };
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let gateOpen = false;

  beforeAll(async () => {
    const model = getModelRunner();
    await model.load();
    const inference = createInferenceApp({ model, maxBodyBytes: 8 * 1024 * 1024 });
    const gated = async (request: Request) => {
      if (new URL(request.url).pathname === '/v1/batch') await gate;
      return inference.fetch(request);
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
      // A long SLO: the gate, not the clock, decides when the lane answers.
      slo: { sloMs: 30_000 },
      limits: { maxQueued: MAX_QUEUED },
      lanes: { serverless: { url: lane.url, maxConcurrency: 1 } },
      planner: { bounds: { maxServerlessBatch: MAX_BATCH, maxEdgeBatch: MAX_BATCH, maxTimeoutMs: 30_000 } },
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

  it('refuses requests beyond the queue bound at once with 429 + Retry-After, and answers the admitted ones', async () => {
    const image = new Uint8Array(textHelloJpeg());
    const answers = Array.from({ length: SENT }, () =>
      fetch(`${server.url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg', 'x-priority': 'high' }, body: image }).then(async (response) => ({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: (await response.json()) as { error?: { code: string; message: string }; placement?: string },
        beforeGateOpened: !gateOpen,
      })),
    );
    // Refusals come back while the lane is still shut: wait until every request is either refused or held by
    // the engine (queued, or in the batch stuck at the gate), then open the lane.
    let refusedSoFar = 0;
    for (const answer of answers) void answer.then((a) => void (a.status === 429 && (refusedSoFar += 1)));
    await vi.waitFor(() => expect(refusedSoFar + scheduler.engine.inFlightRequests).toBe(SENT), { timeout: 30_000, interval: 20 });
    gateOpen = true;
    openGate();
    const all = await Promise.all(answers);

    const refusals = all.filter((a) => a.status === 429);
    const admitted = all.filter((a) => a.status !== 429);
    // The queue holds MAX_QUEUED; the plan's first batch (1 or 2 requests) left it for the shut lane.
    expect(admitted.length).toBeGreaterThanOrEqual(MAX_QUEUED + 1);
    expect(admitted.length).toBeLessThanOrEqual(MAX_QUEUED + MAX_BATCH);
    expect(refusals).toHaveLength(SENT - admitted.length);
    for (const refusal of refusals) {
      expect(refusal.beforeGateOpened).toBe(true);
      expect(refusal.body.error?.code).toBe('queue_full');
      expect(refusal.body.error?.message).toMatch(/queue is full/i);
      expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // Every admitted request got its own answer: a result from the lane (the SLO is long enough).
    for (const answer of admitted) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.placement).toBe('serverless');
    }
    expect(scheduler.engine.inFlightRequests).toBe(0);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 120_000);
});
