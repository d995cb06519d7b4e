/**
 * The scheduler's HTTP API (the routes below; GET /openapi.json documents them) as a Hono app that sees only
 * Web-standard requests; main.ts serves it with @hono/node-server, tests call it over real loopback HTTP.
 */
import { randomBytes } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { EngineError } from '../../shared/core/errors.js';
import type { LaneId, Priority } from '../../shared/core/types.js';
import type { RequestVerifier } from '../../shared/protocol/auth.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../shared/protocol/auth.js';
import type { SchedulerEngine } from './engine/scheduler-engine.js';
import { errorResponse } from './http-errors.js';
import { parseInferRequest } from './infer-input.js';

/** The planning side as the HTTP layer needs it (implemented by planning/planning-service.ts). */
export interface PlanningApi {
  ingestTelemetry(body: unknown, nowMs: number): Promise<{ accepted: number }>;
  planView(): unknown;
  stateView(nowMs: number): unknown;
  applyConfig(body: unknown, nowMs: number): Promise<unknown>;
}

export interface SchedulerLimits {
  /** Largest /v1/infer body (raw or JSON), refused with 413 before it is all read. */
  readonly maxBodyBytes: number;
  readonly maxPixels: number;
  readonly maxTelemetryBytes: number;
  readonly maxProbeBytes: number;
  /** Priority of a request that does not say. */
  readonly defaultPriority: Priority;
}

export interface SchedulerServices {
  readonly engine: SchedulerEngine;
  readonly planning: PlanningApi;
  readonly limits: SchedulerLimits;
  /** Verifies edge agents' signatures (telemetry, probe). Undefined: those endpoints are refused (403). */
  readonly edgeVerifier?: RequestVerifier;
  /** Verifies operators' signatures on PUT /v1/config. Undefined: config changes are refused (403). */
  readonly configVerifier?: RequestVerifier;
  readonly metrics?: { render(): Promise<string>; readonly contentType: string };
  /** Runs before every route (request ids and logging). */
  readonly middleware?: MiddlewareHandler;
  /** Lane health for /healthz. */
  readonly laneHealth: (nowMs: number) => Record<LaneId, boolean>;
  /** Mounts extra routes (dashboard, OpenAPI document). */
  readonly mount?: (app: Hono) => void;
  readonly onInternalError?: (error: unknown) => void;
  readonly now: () => number;
}

const tooLargeError = (limit: number) => new EngineError('payload_too_large', `Body exceeds the limit of ${limit} bytes`);
const tooLarge = (limit: number) => () => errorResponse(tooLargeError(limit));

async function verified(c: Context, verifier: RequestVerifier | undefined, nowMs: number, what: string): Promise<Uint8Array> {
  if (!verifier) throw new EngineError('forbidden', `${what} is disabled: no secret is configured`);
  const body = new Uint8Array(await c.req.arrayBuffer());
  verifier.verify(
    {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      body,
      timestamp: c.req.header(TIMESTAMP_HEADER),
      signature: c.req.header(SIGNATURE_HEADER),
    },
    nowMs,
  );
  return body;
}

/** The Node request under @hono/node-server, while nothing has read its body yet. */
function unreadIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage && !incoming.readableDidRead ? incoming : undefined;
}

/** Reads a Node request's body into one Buffer (no copy when it came in one chunk), failing past `limit` bytes. */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (finish: () => void) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      finish();
    };
    // What is left of a body refused as too large is not kept: Node discards it once the answer is sent.
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) done(() => reject(tooLargeError(limit)));
      else chunks.push(chunk);
    };
    const onEnd = () => done(() => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    const onError = (error: Error) => done(() => reject(error));
    const onClose = () => {
      if (!incoming.readableEnded) done(() => reject(new Error('The client closed the connection before its body was read')));
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * The /v1/infer body, refused with 413 past `limit` before it is all read: at once when the declared length says
 * so, else as it streams in. Under @hono/node-server the body comes straight off the Node request into one
 * buffer; elsewhere (a Web Request handed to app.fetch) through its stream. (Hono's bodyLimit turns every
 * request into a full Web Request with a body stream and an abort signal first: most of a request's cost.)
 */
async function readBody(c: Context, limit: number): Promise<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLargeError(limit);
  const incoming = unreadIncoming(c);
  if (incoming) return readIncoming(incoming, limit);
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel();
      throw tooLargeError(limit);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new EngineError('invalid_input', 'Body is not valid JSON');
  }
}

export function createSchedulerApp(services: SchedulerServices): Hono {
  const { engine, planning, limits, now } = services;
  const app = new Hono();
  const probeBytes = randomBytes(limits.maxProbeBytes);

  const startedAtMs = now();
  if (services.middleware) app.use('*', services.middleware);
  app.onError((error) => errorResponse(error, services.onInternalError ? { onInternal: services.onInternalError } : {}));
  app.notFound((c) => errorResponse(new EngineError('not_found', `No route ${c.req.method} ${new URL(c.req.url).pathname}`)));

  app.post('/v1/infer', async (c) => {
    const body = await readBody(c, limits.maxBodyBytes);
    const input = parseInferRequest(
      c.req.header('content-type') ?? '',
      body,
      { priority: c.req.header('x-priority'), deadlineMs: c.req.header('x-deadline-ms') },
      limits,
    );
    return c.json(await engine.submit(input));
  });

  app.post('/v1/telemetry', bodyLimit({ maxSize: limits.maxTelemetryBytes, onError: tooLarge(limits.maxTelemetryBytes) }), async (c) => {
    const nowMs = now();
    const body = await verified(c, services.edgeVerifier, nowMs, 'Telemetry');
    return c.json(await planning.ingestTelemetry(parseJson(body), nowMs));
  });

  app.get('/v1/probe', async (c) => {
    await verified(c, services.edgeVerifier, now(), 'The bandwidth probe');
    const raw = c.req.query('bytes') ?? '65536';
    const size = Number(raw);
    if (!Number.isInteger(size) || size < 1 || size > limits.maxProbeBytes) {
      throw new EngineError('invalid_input', `bytes: Expected an integer from 1 to ${limits.maxProbeBytes}, got "${raw}"`);
    }
    return c.body(probeBytes.subarray(0, size), 200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
  });

  app.get('/v1/plan', (c) => c.json(planning.planView() as object));
  app.get('/v1/state', (c) => c.json(planning.stateView(now()) as object));

  app.put('/v1/config', bodyLimit({ maxSize: 64 * 1024, onError: tooLarge(64 * 1024) }), async (c) => {
    const nowMs = now();
    const body = await verified(c, services.configVerifier, nowMs, 'Configuration change');
    return c.json((await planning.applyConfig(parseJson(body), nowMs)) as object);
  });

  // Degraded when a lane's circuit is open: still serving on the other, but an operator should look.
  app.get('/healthz', (c) => {
    const nowMs = now();
    const lanes = services.laneHealth(nowMs);
    return c.json({ status: lanes.edge && lanes.serverless ? 'ok' : 'degraded', lanes, uptimeMs: nowMs - startedAtMs });
  });

  if (services.metrics) {
    const metrics = services.metrics;
    app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }));
  }
  services.mount?.(app);
  return app;
}
