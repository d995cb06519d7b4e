/**
 * A scheduler whose only lane (serverless) is the real inference app with the real model on loopback, held shut
 * by a gate, so a burst fills the queue deterministically; tests assert order (before or after the gate opened,
 * before any batch completed), never timing.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { vi, expect } from 'vitest';
import { createScheduler, type SchedulerInstance } from '../../functions/scheduler/create-scheduler.js';
import { createInferenceApp } from '../../functions/inference/local-app.js';
import { createLogger } from '../../functions/scheduler/ops/logger.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { SchedulerConfigSchema } from '../../shared/protocol/config.js';
import { listen } from '../ops/serve.js';
import { textHelloJpeg } from '../model/support.js';

export interface GatedAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: { error?: { code: string; message: string }; placement?: string };
  readonly beforeGateOpened: boolean;
  readonly batchesCompletedBefore: number;
}

export interface GatedLaneScheduler {
  readonly scheduler: SchedulerInstance;
  readonly url: string;
  /** Sends `count` images at once; refusals come back while the lane is shut, then the gate opens. */
  burst(count: number): Promise<{ answers: GatedAnswer[]; queuedWhenOpened: number }>;
  close(): Promise<void>;
}

export async function startGatedLaneScheduler(options: { sloMs: number; maxQueued: number; maxBatch: number }): Promise<GatedLaneScheduler> {
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let gateOpen = false;
  let batchesCompleted = 0;
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
  const lane = await new Promise<{ url: string; close: () => void }>((resolve) => {
    const running = serve({ fetch: gated, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}/v1/batch`, close: () => running.close() }),
    );
  });
  const config = SchedulerConfigSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    store: { kind: 'memory' },
    logging: { level: 'silent' },
    slo: { latencyMs: options.sloMs },
    limits: { maxQueued: options.maxQueued },
    lanes: { serverless: { url: lane.url, maxConcurrency: 1 } },
    planner: { bounds: { maxServerlessBatch: options.maxBatch, maxEdgeBatch: options.maxBatch } },
  });
  const scheduler = await createScheduler(config, { logger: createLogger({ level: 'silent', destination: { write: () => undefined } }) });
  const server = await listen(scheduler.app);
  const image = new Uint8Array(textHelloJpeg());

  async function burst(count: number) {
    const answers = Array.from({ length: count }, () =>
      fetch(`${server.url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg', 'x-priority': 'high' }, body: image }).then(
        async (response): Promise<GatedAnswer> => ({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body: (await response.json()) as GatedAnswer['body'],
          beforeGateOpened: !gateOpen,
          batchesCompletedBefore: batchesCompleted,
        }),
      ),
    );
    // Wait until every request is either refused or held by the engine (queued, or in the batch stuck at the
    // gate), then open the lane.
    let refusedSoFar = 0;
    for (const answer of answers) void answer.then((a) => void (a.status === 429 && (refusedSoFar += 1)));
    await vi.waitFor(() => expect(refusedSoFar + scheduler.engine.inFlightRequests).toBe(count), { timeout: 30_000, interval: 20 });
    const queuedWhenOpened = scheduler.engine.queueSnapshot().size;
    gateOpen = true;
    openGate();
    return { answers: await Promise.all(answers), queuedWhenOpened };
  }

  return {
    scheduler,
    url: server.url,
    burst,
    async close() {
      gateOpen = true;
      openGate();
      await server.close();
      await scheduler.close();
      lane.close();
    },
  };
}
