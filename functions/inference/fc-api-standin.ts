/**
 * A loopback stand-in of Function Compute 3.0's InvokeFunction endpoint, hosting the real inference handler
 * in-process. The scheduler's FC invoker talks to it through the real `@alicloud/fc20230330` SDK
 * (`endpoint: '127.0.0.1:<port>', protocol: 'http'`), so the local stack and the tests exercise the same path
 * as production, up to FC itself.
 *
 * Wire protocol (docs/aliyun-platform.md section 4, probed with the SDK):
 *   POST /2023-03-30/functions/<fn>/invocations?qualifier=LATEST, body = the event bytes, signed
 *   `authorization: ACS3-HMAC-SHA256 ...` (recorded, not verified: only FC holds the secret);
 *   200 + the handler's return value, headers x-fc-request-id, x-fc-instance-id, x-fc-code-checksum,
 *   x-fc-invocation-service-version; a function that throws: 200 + `x-fc-error-type: UnhandledInvocationError`
 *   and `{errorMessage, errorType, stackTrace}`; platform errors: status + JSON `{Code, Message, RequestId}`.
 *
 * Minimum instances: `PUT /2023-03-30/functions/<fn>/provision-config` (PutProvisionConfig), handled by
 * fc-api-standin-provision.ts; the instances it holds never start cold.
 *
 * Knobs for tests and the chaos suite: fail the next N calls (5xx, throttling 429, function error, stall),
 * a cold-start delay for a new instance (first call, or after keep-alive expiry), an instance limit beyond
 * which calls are throttled as FC's concurrency limit does.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstancePool } from './fc-api-standin-instances.js';
import { PROVISION_PATH, putProvisionConfig, type ProvisionFault, type RecordedProvisionCall } from './fc-api-standin-provision.js';

export type { ProvisionFault, RecordedProvisionCall } from './fc-api-standin-provision.js';

/** What FC passes a built-in Node.js handler as `context` (the fields the inference handler may read). */
export interface StandinContext {
  readonly requestId: string;
  readonly credentials: { readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken: string };
  readonly function: { readonly name: string; readonly handler: string; readonly memory: number; readonly timeout: number };
  readonly region: string;
  readonly accountId: string;
}

export type StandinHandler = (event: Buffer, context: StandinContext) => unknown;

export type FaultKind = 'server-error' | 'throttling' | 'function-error' | 'stall';

export interface FcApiStandinOptions {
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The function code. Default: the real inference handler, `functions/inference/index.ts`. */
  readonly handler?: StandinHandler;
  /** Names that exist (others get 404 FunctionNotFound). Default: any name. */
  readonly functions?: readonly string[];
  /** Extra delay before a new instance serves its first call (ms). Default 0. */
  readonly coldStartMs?: number;
  /** Idle time after which an instance is reclaimed (ms). Default 600 000 (FC keeps idle instances minutes). */
  readonly keepAliveMs?: number;
  /** Concurrent calls one instance serves (the function's instanceConcurrency). Default 1. */
  readonly instanceConcurrency?: number;
  /** Instances across all functions; past it, 429 ResourceExhausted. Default 100 (FC's default region quota). */
  readonly maxInstances?: number;
  /** How long a `stall` fault holds a call before answering (ms). Default 30 000. */
  readonly stallMs?: number;
  readonly region?: string;
  readonly accountId?: string;
  readonly now?: () => number;
}

export interface RecordedCall {
  readonly functionName: string;
  readonly qualifier: string | null;
  readonly headers: IncomingHttpHeaders;
  readonly bytes: number;
  readonly status: number;
  readonly instanceId?: string;
  readonly coldStart?: boolean;
  readonly fault?: FaultKind;
}

export interface FcApiStandin {
  readonly port: number;
  /** For the SDK: `host:port`, no scheme (with protocol 'http'). */
  readonly endpoint: string;
  /** Makes the next `count` calls fail this way, in order after any already queued. */
  failNext(count: number, kind: FaultKind): void;
  readonly calls: readonly RecordedCall[];
  /** Makes the next `count` PutProvisionConfig calls fail this way. */
  failProvisionNext(count: number, kind: ProvisionFault): void;
  readonly provisionCalls: readonly RecordedProvisionCall[];
  /** Instances the function's minimum holds now. */
  minimumInstances(functionName: string): number;
  readonly coldStarts: number;
  readonly instanceCount: number;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/;

function sendJson(res: ServerResponse, status: number, requestId: string, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': requestId, ...headers });
  res.end(text);
}

function platformError(res: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  sendJson(res, status, requestId, { Code: code, Message: message, RequestId: requestId });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** FC serialises a handler's return value: Buffer as-is, string as UTF-8, anything else as JSON. */
function serialise(result: unknown): Buffer {
  if (Buffer.isBuffer(result)) return result;
  if (result instanceof Uint8Array) return Buffer.from(result.buffer, result.byteOffset, result.byteLength);
  if (typeof result === 'string') return Buffer.from(result, 'utf8');
  return Buffer.from(JSON.stringify(result ?? null), 'utf8');
}

function memoryFromName(name: string): number {
  const match = /-(\d+)$/.exec(name);
  return match ? Number(match[1]) : 512;
}

async function loadRealHandler(): Promise<StandinHandler> {
  // A variable specifier: the module is another helper's file, resolved at run time (tsx/vitest map .js to .ts).
  const specifier = './index.js';
  const mod = (await import(specifier)) as { handler?: StandinHandler };
  if (typeof mod.handler !== 'function') throw new Error('functions/inference/index.ts exports no handler');
  return mod.handler;
}

const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export async function startFcApiStandin(options: FcApiStandinOptions = {}): Promise<FcApiStandin> {
  const now = options.now ?? Date.now;
  const handler = options.handler ?? (await loadRealHandler());
  const pool = new InstancePool(
    { instanceConcurrency: options.instanceConcurrency ?? 1, maxInstances: options.maxInstances ?? 100, keepAliveMs: options.keepAliveMs ?? 600_000 },
    now,
  );
  const faults: FaultKind[] = [];
  const calls: RecordedCall[] = [];
  const provisionFaults: ProvisionFault[] = [];
  const provisionCalls: RecordedProvisionCall[] = [];
  let coldStarts = 0;
  const closing = new AbortController();
  const known = options.functions ? new Set(options.functions) : undefined;

  async function invoke(req: IncomingMessage, res: ServerResponse, functionName: string, qualifier: string | null, requestId: string) {
    const body = await readBody(req);
    const record = (entry: Omit<RecordedCall, 'functionName' | 'qualifier' | 'headers' | 'bytes'>) =>
      calls.push({ functionName, qualifier, headers: req.headers, bytes: body.byteLength, ...entry });
    if (known && !known.has(functionName)) {
      record({ status: 404 });
      return platformError(res, 404, 'FunctionNotFound', `function '${functionName}' does not exist`, requestId);
    }
    const fault = faults.shift();
    if (fault === 'server-error') {
      record({ status: 500, fault });
      return platformError(res, 500, 'InternalServerError', 'injected fault: internal error', requestId);
    }
    if (fault === 'throttling') {
      record({ status: 429, fault });
      return platformError(res, 429, 'ResourceExhausted', 'injected fault: concurrency limit exceeded', requestId);
    }
    const acquired = pool.acquire(functionName);
    if (!acquired) {
      record({ status: 429 });
      return platformError(res, 429, 'ResourceExhausted', `instance limit of ${options.maxInstances ?? 100} reached`, requestId);
    }
    const { instance, coldStart } = acquired;
    const fcHeaders = {
      'x-fc-request-id': requestId,
      'x-fc-instance-id': instance.id,
      'x-fc-code-checksum': '0',
      'x-fc-invocation-service-version': qualifier ?? 'LATEST',
    };
    try {
      if (coldStart) {
        coldStarts += 1;
        if (options.coldStartMs) await delay(options.coldStartMs, closing.signal);
      }
      if (fault === 'stall') await delay(options.stallMs ?? 30_000, closing.signal);
      if (fault === 'function-error') throw Object.assign(new Error('injected fault: the function crashed'), { name: 'InjectedError' });
      const context: StandinContext = {
        requestId,
        credentials: {
          accessKeyId: 'STS.standin',
          accessKeySecret: 'standin-secret',
          securityToken: 'standin-token',
        },
        function: { name: functionName, handler: 'index.handler', memory: memoryFromName(functionName), timeout: 60 },
        region: options.region ?? 'cn-hangzhou',
        accountId: options.accountId ?? '1234567890123456',
      };
      const result = serialise(await handler(body, context));
      record({ status: 200, instanceId: instance.id, coldStart, ...(fault ? { fault } : {}) });
      if (!res.destroyed) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', ...fcHeaders });
        res.end(result);
      }
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      record({ status: 200, instanceId: instance.id, coldStart, ...(fault ? { fault } : {}) });
      if (!res.destroyed) {
        sendJson(res, 200, requestId, { errorMessage: error.message, errorType: error.name, stackTrace: [] }, { ...fcHeaders, 'x-fc-error-type': 'UnhandledInvocationError' });
      }
    } finally {
      pool.release(instance);
    }
  }

  async function provision(req: IncomingMessage, res: ServerResponse, functionName: string, qualifier: string | null, requestId: string) {
    const raw = await readBody(req);
    const fault = provisionFaults.shift();
    const region = options.region ?? 'cn-hangzhou';
    const accountId = options.accountId ?? '1234567890123456';
    const answer = putProvisionConfig(functionName, qualifier, raw, { pool, known, region, accountId, requestId, fault });
    let body: unknown = raw.toString('utf8');
    try {
      body = JSON.parse(body as string);
    } catch {
      // recorded as the text it was
    }
    provisionCalls.push({ functionName, qualifier, headers: req.headers, body, status: answer.status, ...(fault ? { fault } : {}) });
    sendJson(res, answer.status, requestId, answer.body);
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://standin');
    const provisionMatch = PROVISION_PATH.exec(url.pathname);
    if (provisionMatch && req.method === 'PUT') {
      provision(req, res, decodeURIComponent(provisionMatch[1]!), url.searchParams.get('qualifier'), requestId).catch((err: unknown) => {
        if (!res.headersSent) platformError(res, 500, 'InternalServerError', String(err), requestId);
      });
      return;
    }
    const match = INVOKE_PATH.exec(url.pathname);
    if (!match || req.method !== 'POST') {
      req.resume();
      return platformError(res, 400, 'PathNotSupported', `'${req.method} ${url.pathname}' is not supported`, requestId);
    }
    invoke(req, res, decodeURIComponent(match[1]!), url.searchParams.get('qualifier'), requestId).catch((err: unknown) => {
      if (!res.headersSent) platformError(res, 500, 'InternalServerError', String(err), requestId);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    endpoint: `${options.host ?? '127.0.0.1'}:${port}`,
    failNext(count, kind) {
      for (let i = 0; i < count; i++) faults.push(kind);
    },
    calls,
    failProvisionNext(count, kind) {
      for (let i = 0; i < count; i++) provisionFaults.push(kind);
    },
    provisionCalls,
    minimumInstances: (functionName) => pool.minimumHeld(functionName),
    get coldStarts() {
      return coldStarts;
    },
    get instanceCount() {
      return pool.instanceCount;
    },
    close() {
      closing.abort();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
