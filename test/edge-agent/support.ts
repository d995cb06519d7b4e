/** Loopback servers for the edge-agent tests: the agent on port 0 and a fake scheduler that verifies signatures. */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { RequestVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER, signRequest } from '../../shared/protocol/auth.js';
import { BATCH_CONTENT_TYPE, encodeBatch, type BatchItem, type BatchResponse, type DecodedBatch } from '../../shared/protocol/batch.js';
import type { BatchModel } from '../../shared/model/runner.js';
import { TelemetryReportSchema, type TelemetryReport } from '../../shared/protocol/telemetry.js';

export const SECRET = 'test-secret-of-32-characters-ok!';

export interface Running {
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(fetchHandler: (request: Request) => Response | Promise<Response>): Promise<Running> {
  let server: ServerType | undefined;
  await new Promise<void>((ready) => {
    server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' }, () => ready());
  });
  const port = (server!.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server!.close(() => done())),
  };
}

/** POSTs a batch to an agent, signed unless `sign` is false. */
export function postBatch(
  baseUrl: string,
  items: readonly BatchItem[],
  options: { sign?: boolean; secret?: string; batchId?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = encodeBatch(options.batchId ?? 'b1', Date.now(), items);
  const signature = options.sign === false ? {} : signRequest(options.secret ?? SECRET, 'POST', '/v1/batch', body, Date.now());
  return fetch(`${baseUrl}/v1/batch`, { method: 'POST', headers: { 'content-type': BATCH_CONTENT_TYPE, ...signature, ...options.headers }, body });
}

/** A scheduler that accepts verified telemetry (or answers `failWith`) and serves signed probes. */
export function fakeScheduler() {
  const verifier = new RequestVerifier(SECRET);
  const reports: TelemetryReport[] = [];
  const rejected: string[] = [];
  const state = { failWith: 0 };
  const app = new Hono();
  const verified = async (c: { req: { raw: Request; path: string; method: string; header(name: string): string | undefined } }) => {
    const body = new Uint8Array(await c.req.raw.arrayBuffer());
    verifier.verify({ method: c.req.method, path: c.req.path, body, timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) }, Date.now());
    return body;
  };
  app.post('/v1/telemetry', async (c) => {
    if (state.failWith) return c.json({ error: { code: 'internal', message: 'down' } }, state.failWith as 500);
    try {
      const body = await verified(c);
      reports.push(TelemetryReportSchema.parse(JSON.parse(new TextDecoder().decode(body))));
      return c.json({ ok: true });
    } catch (error) {
      rejected.push((error as Error).message);
      return c.json({ error: { code: 'unauthorized', message: (error as Error).message } }, 401);
    }
  });
  app.get('/v1/probe', async (c) => {
    try {
      await verified(c);
    } catch (error) {
      rejected.push((error as Error).message);
      return c.json({ error: { code: 'unauthorized', message: (error as Error).message } }, 401);
    }
    const bytes = Number(c.req.query('bytes'));
    return c.body(new Uint8Array(randomBytes(bytes)), 200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
  });
  return { app, reports, rejected, state };
}

/** A model whose batches run until the test says so: `started` lists batch ids in order, `finish[i]()` ends the i-th. */
export function heldModel(): { model: BatchModel; started: string[]; finish: Array<() => void> } {
  const started: string[] = [];
  const finish: Array<() => void> = [];
  const model: BatchModel = {
    name: 'slow',
    loaded: true,
    load: async () => {},
    runBatch: (batch: DecodedBatch) =>
      new Promise<BatchResponse>((resolve) => {
        started.push(batch.batchId);
        finish.push(() => resolve({ batchId: batch.batchId, model: 'slow', results: [], timings: { preprocessMs: 0, inferMs: 0, totalMs: 0 } }));
      }),
  };
  return { model, started, finish };
}
