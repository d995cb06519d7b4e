import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestVerifier, signRequest } from '../../shared/protocol/auth.js';
import { BATCH_CONTENT_TYPE, encodeBatch, type BatchResponse } from '../../shared/protocol/batch.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { createEdgeAgentApp, type EdgeAgentLimits } from '../../edge-agent/app.js';
import { TelemetryBuffer } from '../../edge-agent/telemetry-buffer.js';
import { item, rotated180, seedJpeg, textHelloJpeg } from '../model/support.js';
import { SECRET, heldModel, listen, postBatch, type Running } from './support.js';

const clock = { now: () => performance.now(), wallNow: () => Date.now() };
const limits: EdgeAgentLimits = { maxBatchBytes: 512 * 1024, concurrency: 1, maxQueuedBatches: 4, minTransferSampleBytes: 1 };

describe('edge agent over loopback HTTP with the real model', () => {
  const model = getModelRunner();
  const telemetry = new TelemetryBuffer();
  let agent: Running;

  beforeAll(async () => {
    await model.load();
    const { app } = createEdgeAgentApp({ model, verifier: new RequestVerifier(SECRET), clock, telemetry, limits });
    agent = await listen(app.fetch);
  });
  afterAll(() => agent.close());

  it('answers a signed batch with the results of running the model directly', async () => {
    const items = [item('up', textHelloJpeg()), item('down', await rotated180(textHelloJpeg()), 'image/png'), item('photo', seedJpeg())];
    const response = await postBatch(agent.url, items, { batchId: 'edge-1' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as BatchResponse;
    const direct = await model.runBatch({ batchId: 'edge-1', sentAtMs: 0, items });
    expect(body.batchId).toBe('edge-1');
    expect(body.results).toEqual(JSON.parse(JSON.stringify(direct.results)));
    expect(body.results.slice(0, 2).map((result) => (result.ok ? result.labels[0]!.label : 'error'))).toEqual(['0', '180']);
    // The agent kept a latency sample for this batch and a bandwidth sample for its transfer.
    const snapshot = telemetry.snapshot();
    expect(snapshot.batches.at(-1)).toMatchObject({ batchSize: 3 });
    expect(snapshot.batches.at(-1)!.inferMs).toBeLessThanOrEqual(snapshot.batches.at(-1)!.totalMs);
  });

  it('refuses unsigned, wrongly signed and replayed batches with 401', async () => {
    const items = [item('a', textHelloJpeg())];
    const unsigned = await postBatch(agent.url, items, { sign: false });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ error: { code: 'unauthorized', message: 'Missing x-edgebatch-timestamp or x-edgebatch-signature header' } });
    const wrong = await postBatch(agent.url, items, { secret: 'another-secret-of-enough-length' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('Signature does not match');

    const body = encodeBatch('replay', Date.now(), items);
    const headers = { 'content-type': BATCH_CONTENT_TYPE, ...signRequest(SECRET, 'POST', '/v1/batch', body, Date.now()) };
    expect((await fetch(`${agent.url}/v1/batch`, { method: 'POST', headers, body })).status).toBe(200);
    const replay = await fetch(`${agent.url}/v1/batch`, { method: 'POST', headers, body });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toBe('Replayed request');
  });

  it('refuses a wrong content type with 415', async () => {
    const body = encodeBatch('b', Date.now(), [item('a', textHelloJpeg())]);
    const response = await fetch(`${agent.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...signRequest(SECRET, 'POST', '/v1/batch', body, Date.now()) }, body });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: { code: 'unsupported_media_type', message: `Expected content type ${BATCH_CONTENT_TYPE}, got image/jpeg` } });
  });

  it('refuses a body over the limit with 413, by its content-length and while streaming one without it', async () => {
    const big = new Uint8Array(limits.maxBatchBytes + 1);
    const declared = await fetch(`${agent.url}/v1/batch`, { method: 'POST', headers: { 'content-type': BATCH_CONTENT_TYPE }, body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: { code: 'payload_too_large', message: `Batch body over the limit of ${limits.maxBatchBytes} bytes` } });

    // Chunked, no content-length: counted as it arrives. Signed, so it gets past the header checks.
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= limits.maxBatchBytes * 2) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const signature = signRequest(SECRET, 'POST', '/v1/batch', new Uint8Array(0), Date.now());
    const streamed = await fetch(`${agent.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': BATCH_CONTENT_TYPE, ...signature },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('refuses a malformed batch with 400', async () => {
    const body = new TextEncoder().encode('EBB1\u0000\u0000\u0000\u0002{}');
    const response = await fetch(`${agent.url}/v1/batch`, { method: 'POST', headers: { 'content-type': BATCH_CONTENT_TYPE, ...signRequest(SECRET, 'POST', '/v1/batch', body, Date.now()) }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('Malformed batch: Expected batchId as a string of 1 to 128 characters, got undefined');
  });

  it('reports health: model loaded, queue length', async () => {
    const response = await fetch(`${agent.url}/healthz`);
    expect(await response.json()).toEqual({ ok: true, model: 'ppocr-mobile-v2.0-cls', running: 0, queued: 0 });
  });
});

describe('edge agent batch queue', () => {
  it('runs one batch at a time, queues the next and answers 429 with Retry-After beyond the queue', async () => {
    const { model: slowModel, started, finish } = heldModel();
    const { app, gate } = createEdgeAgentApp({ model: slowModel, verifier: null, clock, telemetry: new TelemetryBuffer(), limits: { ...limits, maxQueuedBatches: 1 } });
    const agent = await listen(app.fetch);
    try {
      const items = [item('a', textHelloJpeg())];
      const first = postBatch(agent.url, items, { sign: false, batchId: 'first' });
      await expect.poll(() => started.length).toBe(1);
      const second = postBatch(agent.url, items, { sign: false, batchId: 'second' });
      await expect.poll(() => gate.queued).toBe(1);
      const third = await postBatch(agent.url, items, { sign: false, batchId: 'third' });
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('1');
      expect(((await third.json()) as { error: { code: string } }).error.code).toBe('queue_full');
      expect(started).toEqual(['first']);
      finish[0]!();
      expect((await first).status).toBe(200);
      await expect.poll(() => started.length).toBe(2);
      finish[1]!();
      expect(((await (await second).json()) as BatchResponse).batchId).toBe('second');
      expect([gate.running, gate.queued]).toEqual([0, 0]);
    } finally {
      await agent.close();
    }
  });
});
