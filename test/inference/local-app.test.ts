import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_CONTENT_TYPE, encodeBatch } from '../../shared/protocol/batch.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { createInferenceApp } from '../../functions/inference/local-app.js';
import { intEnv } from '../../shared/protocol/env-int.js';
import { item, textHelloJpeg } from '../model/support.js';

describe('local inference server (npm run inference) over loopback HTTP', () => {
  let server: ServerType;
  let base = '';
  const model = getModelRunner();

  beforeAll(async () => {
    await model.load();
    const app = createInferenceApp({ model, maxBodyBytes: 64 * 1024 });
    await new Promise<void>((ready) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const post = (body: Uint8Array<ArrayBuffer>, type = BATCH_CONTENT_TYPE) => fetch(`${base}/v1/batch`, { method: 'POST', headers: { 'content-type': type }, body });

  it('runs a batch and answers the same results as the model', async () => {
    const items = [item('a', textHelloJpeg())];
    const response = await post(encodeBatch('b1', 0, items));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: unknown };
    expect(body.results).toEqual(JSON.parse(JSON.stringify((await model.runBatch({ batchId: 'b1', sentAtMs: 0, items })).results)));
  });

  it('refuses a wrong content type (415), an oversized body (413), a malformed batch (400), and unknown paths (404)', async () => {
    const wrongType = await post(encodeBatch('b1', 0, [item('a', textHelloJpeg())]), 'application/json');
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toEqual({ error: { code: 'unsupported_media_type', message: `Expected content type ${BATCH_CONTENT_TYPE}, got application/json` } });
    const tooBig = await post(new Uint8Array(100 * 1024));
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const malformed = await post(new TextEncoder().encode('hello'));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toBe('Malformed batch: body of 5 bytes is shorter than the 8-byte prefix');
    expect((await fetch(`${base}/v1/other`)).status).toBe(404);
  });

  it('reports health', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toEqual({ ok: true, model: 'ppocr-mobile-v2.0-cls' });
  });

  it('reads integer settings from the environment with clear errors', () => {
    expect(intEnv({}, 'PORT', 9100, 0, 65_535)).toBe(9100);
    expect(intEnv({ PORT: '0' }, 'PORT', 9100, 0, 65_535)).toBe(0);
    expect(() => intEnv({ PORT: 'http' }, 'PORT', 9100, 0, 65_535)).toThrow('PORT: Expected an integer from 0 to 65535, got "http"');
  });
});
