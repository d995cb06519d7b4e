/** The edge agent maps the core's error codes through the same HTTP adapter: internal faults 500, bad batches 400. */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createEdgeAgentApp } from '../../edge-agent/app.js';
import { TelemetryBuffer } from '../../edge-agent/telemetry-buffer.js';
import { quantileSorted } from '../../shared/core/stats/quantile-sorted.js';
import type { BatchModel } from '../../shared/model/runner.js';
import { BATCH_CONTENT_TYPE, encodeBatch } from '../../shared/protocol/batch.js';
import { item, textHelloJpeg } from '../model/support.js';

const clock = { now: () => performance.now(), wallNow: () => Date.now() };
const limits = { maxBatchBytes: 512 * 1024, concurrency: 1, maxQueuedBatches: 4, minTransferSampleBytes: 1 };

/** A model that breaks a precondition of the core's own statistics (a quantile of nothing) on every batch. */
const brokenModel: BatchModel = {
  name: 'broken',
  loaded: true,
  load: async () => {},
  runBatch: async () => {
    quantileSorted([], 0.5);
    throw new Error('unreachable: a quantile of an empty sample was answered');
  },
};

function post(app: ReturnType<typeof createEdgeAgentApp>['app'], body: Uint8Array<ArrayBuffer>) {
  return app.request('/v1/batch', { method: 'POST', headers: { 'content-type': BATCH_CONTENT_TYPE }, body });
}

describe('edge agent errors', () => {
  it('answers a broken core invariant with 500 internal and logs it', async () => {
    const logged: unknown[] = [];
    const { app } = createEdgeAgentApp({ model: brokenModel, verifier: null, clock, telemetry: new TelemetryBuffer(), limits, logger: { error: (object) => logged.push(object) } });
    const response = await post(app, new Uint8Array(encodeBatch('b', Date.now(), [item('a', textHelloJpeg())])));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: 'internal', message: expect.stringMatching(/non-empty sample/) } });
    expect(logged).toHaveLength(1);
  });

  it('answers a malformed batch with 400 invalid_input and logs nothing', async () => {
    const logged: unknown[] = [];
    const { app } = createEdgeAgentApp({ model: brokenModel, verifier: null, clock, telemetry: new TelemetryBuffer(), limits, logger: { error: (object) => logged.push(object) } });
    const response = await post(app, new TextEncoder().encode('not a batch'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_input' } });
    expect(logged).toEqual([]);
  });
});
