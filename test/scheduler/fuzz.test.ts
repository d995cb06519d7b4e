/**
 * Bad input: random and mutated inputs to the scheduler's POST /v1/infer, POST /v1/telemetry and
 * PUT /v1/config. Every answer must be a 2xx or a JSON error with `{ error: { code, message } }`; never a 500
 * (an internal error), a crash or a hang; the scheduler answers /healthz afterwards.
 *
 * The scheduler is the real one (createScheduler, memory store) with no lane configured, so a well-formed
 * image that passes every check is answered 503 `no_lane` at once (or 502 `lane_failed` once fuzzed, validly
 * signed telemetry has registered an agent at a dead loopback port): those 5xx are the honest answers of a
 * scheduler without working lanes, not defects, and are the only 5xx accepted, on /v1/infer, with the error
 * shape. Everything else must be refused with a 4xx before it reaches the queue.
 *
 * Seeded (fast-check). FUZZ_RUNS sets the in-process count per endpoint (default 1,500, sized for every change);
 * a longer search: FUZZ_RUNS=10000 npx vitest run test/scheduler/fuzz.test.ts
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerInstance } from '../../functions/scheduler/create-scheduler.js';
import { createLogger } from '../../functions/scheduler/ops/logger.js';
import { signRequest } from '../../shared/protocol/auth.js';
import { SchedulerConfigSchema } from '../../shared/protocol/config.js';
import { listen } from '../ops/serve.js';
import { seedCropJpeg, textFoxPng, textHelloJpeg } from '../model/support.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_500);
const HTTP_RUNS = 200;
const EDGE_SECRET = 'fuzz-edge-secret-0123456789abcdef';
const CONFIG_SECRET = 'fuzz-config-secret-0123456789abcdef';
const ORIGIN = 'http://scheduler';

interface FuzzCase {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  readonly sign: 'good' | 'none' | 'garbage' | 'stale' | 'other-secret';
  readonly headers: Readonly<Record<string, string>>;
}

const encode = (text: string) => new Uint8Array(new TextEncoder().encode(text));
const bytes = (buffer: Buffer) => new Uint8Array(buffer);

/** Flip a run of bytes, cut a slice, or append junk: the classic mutations of a real body. */
function mutated(seed: Uint8Array<ArrayBuffer>): fc.Arbitrary<Uint8Array<ArrayBuffer>> {
  const n = seed.byteLength;
  return fc.oneof(
    fc.constant(seed),
    fc.tuple(fc.nat(n - 1), fc.integer({ min: 0, max: 255 }), fc.nat(16)).map(([at, value, more]) => {
      const copy = new Uint8Array(seed);
      for (let i = 0; i <= more && at + i < n; i++) copy[at + i] = (value + i * 31) & 0xff;
      return copy;
    }),
    fc.tuple(fc.nat(n), fc.nat(n)).map(([a, b]) => new Uint8Array(seed.subarray(Math.min(a, b), Math.max(a, b)))),
    fc.uint8Array({ maxLength: 64 }).map((junk) => {
      const copy = new Uint8Array(n + junk.byteLength);
      copy.set(seed);
      copy.set(junk, n);
      return copy;
    }),
  );
}

/** A JPEG header whose SOF declares huge dimensions: a decompression bomb in a few hundred bytes. */
function jpegBomb(width: number, height: number): Uint8Array<ArrayBuffer> {
  const jpeg = bytes(textHelloJpeg());
  const copy = new Uint8Array(jpeg);
  for (let i = 2; i + 9 < copy.byteLength; i++) {
    if (copy[i] === 0xff && (copy[i + 1] === 0xc0 || copy[i + 1] === 0xc2)) {
      new DataView(copy.buffer).setUint16(i + 5, height);
      new DataView(copy.buffer).setUint16(i + 7, width);
      break;
    }
  }
  return copy;
}

const images = [bytes(textHelloJpeg()), bytes(seedCropJpeg()), bytes(textFoxPng())];
const jsonImage = (data: Uint8Array) => encode(JSON.stringify({ image: Buffer.from(data).toString('base64'), contentType: 'image/jpeg' }));

const inferBodies = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...images).chain(mutated) },
  { weight: 2, arbitrary: fc.constantFrom(...images.map(jsonImage)).chain(mutated) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => new Uint8Array(b)) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: 1, max: 65_535 })).map(([w, h]) => jpegBomb(w, h)) },
  { weight: 1, arbitrary: fc.json().map(encode) },
  { weight: 1, arbitrary: fc.string().map((s) => encode(JSON.stringify({ image: s, contentType: 'image/jpeg' }))) },
);
const inferTypes = fc.constantFrom('image/jpeg', 'image/png', 'image/webp', 'application/json', '', 'text/plain', 'image/gif', 'application/json; charset=utf-8', 'image/jpeg; x=1', 'multipart/form-data');
const inferHeaders = fc.record(
  { 'x-priority': fc.constantFrom('high', 'low', '', 'urgent', '1'), 'x-deadline-ms': fc.constantFrom('500', '0', '-1', 'NaN', '1e309', '99999999', 'abc', '') },
  { requiredKeys: [] },
);

const telemetrySample = {
  agentId: 'edge-1',
  batchUrl: 'http://127.0.0.1:9/v1/batch',
  sentAtMs: 1_700_000_000_000,
  bandwidth: [
    { atMs: 1_700_000_000_000, bytes: 200_000, ms: 160, kind: 'transfer' },
    { atMs: 1_700_000_001_000, bytes: 65_536, ms: 40, kind: 'probe' },
  ],
  batches: [{ atMs: 1_700_000_000_500, batchSize: 8, preprocessMs: 12, inferMs: 60, totalMs: 80 }],
};
const configSamples = [{ slo: { latencyMs: 800 } }, { planner: { bounds: { maxEdgeBatch: 16, maxServerlessBatch: 8 } } }, { slo: { target: 0.99 } }];

/** Real JSON bodies with one field replaced by an arbitrary JSON value, byte-mutated, or arbitrary JSON. */
function jsonBodies(samples: readonly object[]): fc.Arbitrary<Uint8Array<ArrayBuffer>> {
  const replaced = fc.tuple(fc.constantFrom(...samples), fc.jsonValue(), fc.nat()).map(([sample, value, pick]) => {
    const copy = structuredClone(sample) as Record<string, unknown>;
    const keys = Object.keys(copy);
    copy[keys[pick % keys.length]!] = value;
    return encode(JSON.stringify(copy));
  });
  return fc.oneof(
    { weight: 3, arbitrary: replaced },
    { weight: 3, arbitrary: fc.constantFrom(...samples.map((s) => encode(JSON.stringify(s)))).chain(mutated) },
    { weight: 1, arbitrary: fc.json().map(encode) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array(b)) },
  );
}

const signs = fc.oneof(
  { weight: 6, arbitrary: fc.constant('good' as const) },
  { weight: 1, arbitrary: fc.constantFrom('none' as const, 'garbage' as const, 'stale' as const, 'other-secret' as const) },
);

function casesFor(bodies: fc.Arbitrary<Uint8Array<ArrayBuffer>>, types: fc.Arbitrary<string>, headers: fc.Arbitrary<Record<string, string>>): fc.Arbitrary<FuzzCase> {
  return fc.record({ body: bodies, contentType: types, sign: signs, headers });
}

function requestFor(method: string, path: string, secret: string, fuzz: FuzzCase): RequestInit {
  const headers: Record<string, string> = { ...fuzz.headers };
  if (fuzz.contentType !== '') headers['content-type'] = fuzz.contentType;
  const now = Date.now();
  if (fuzz.sign === 'good') Object.assign(headers, signRequest(secret, method, path, fuzz.body, now));
  if (fuzz.sign === 'other-secret') Object.assign(headers, signRequest('not-the-secret-0123456789abcdef', method, path, fuzz.body, now));
  if (fuzz.sign === 'stale') Object.assign(headers, signRequest(secret, method, path, fuzz.body, now - 3_600_000));
  if (fuzz.sign === 'garbage') Object.assign(headers, { 'x-edgebatch-timestamp': 'yesterday', 'x-edgebatch-signature': 'v1=zz' });
  return { method, headers, body: fuzz.body };
}

const LANE_OUTCOMES = new Set(['503 no_lane', '502 lane_failed', '504 deadline_exceeded']);
const statusCounts: Record<string, Record<number, number>> = {};
async function checkAnswer(path: string, response: Response): Promise<void> {
  const counts = (statusCounts[path] ??= {});
  counts[response.status] = (counts[response.status] ?? 0) + 1;
  const text = await response.text();
  const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  if (response.status >= 200 && response.status < 300) return;
  if (!(json.error && typeof json.error.code === 'string' && typeof json.error.message === 'string')) throw new Error(`${response.status} without the error shape: ${text.slice(0, 200)}`);
  // A valid image that reaches the queue gets its lane's honest outcome: no lane (none configured), or a failed
  // batch once a signed telemetry report has registered an agent at a dead loopback port.
  const laneOutcome = path === '/v1/infer' && LANE_OUTCOMES.has(`${response.status} ${String(json.error.code)}`);
  if (response.status >= 500 && !laneOutcome) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
  if (response.status === 429 || response.status === 503) expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
}

describe('the scheduler under fuzzed input', () => {
  let scheduler: SchedulerInstance;
  let server: Awaited<ReturnType<typeof listen>>;
  const internalErrors: unknown[] = [];

  beforeAll(async () => {
    const config = SchedulerConfigSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      store: { kind: 'memory' },
      logging: { level: 'silent' },
      limits: { maxBodyBytes: 256 * 1024, maxPixels: 4_000_000 },
      security: { edgeSecret: EDGE_SECRET, configSecret: CONFIG_SECRET },
      // The sample report's batch URL may register, so that valid reports get past the allowlist.
      lanes: { edge: { allow: [telemetrySample.batchUrl] } },
    });
    const logger = createLogger({ level: 'error', destination: { write: (line: string) => void internalErrors.push(line) } });
    scheduler = await createScheduler(config, { logger });
    server = await listen(scheduler.app);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await scheduler?.close();
  });

  const endpoints = [
    { method: 'POST', path: '/v1/infer', secret: EDGE_SECRET, cases: casesFor(inferBodies, inferTypes, inferHeaders) },
    { method: 'POST', path: '/v1/telemetry', secret: EDGE_SECRET, cases: casesFor(jsonBodies([telemetrySample]), fc.constantFrom('application/json', '', 'text/plain'), fc.constant({})) },
    { method: 'PUT', path: '/v1/config', secret: CONFIG_SECRET, cases: casesFor(jsonBodies(configSamples), fc.constantFrom('application/json', '', 'text/plain'), fc.constant({})) },
  ] as const;

  for (const { method, path, secret, cases } of endpoints) {
    it(`${method} ${path}: ${RUNS} fuzzed requests in process, each a 2xx or a JSON error, no 500`, async () => {
      await fc.assert(
        fc.asyncProperty(cases, async (fuzz) => {
          await checkAnswer(path, await scheduler.app.fetch(new Request(`${ORIGIN}${path}`, requestFor(method, path, secret, fuzz))));
        }),
        { numRuns: RUNS, seed: 6_2026 },
      );
      // The fuzz reached past the door: some inputs were accepted, some refused.
      const counts = statusCounts[path]!;
      expect(Object.keys(counts).some((status) => Number(status) < 300 || status === '503')).toBe(true);
      expect(Object.keys(counts).some((status) => Number(status) >= 400 && Number(status) < 500)).toBe(true);
    }, 180_000);
  }

  it(`answers ${HTTP_RUNS} fuzzed requests per endpoint over loopback HTTP and stays healthy`, async () => {
    for (const { method, path, secret, cases } of endpoints) {
      await fc.assert(
        fc.asyncProperty(cases, async (fuzz) => {
          await checkAnswer(path, await fetch(`${server.url}${path}`, { ...requestFor(method, path, secret, fuzz), signal: AbortSignal.timeout(10_000) }));
        }),
        { numRuns: HTTP_RUNS, seed: 17 },
      );
    }
    // A body over the limit is refused before it is all read.
    const huge = new Uint8Array(300 * 1024);
    const refused = await fetch(`${server.url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: huge });
    expect(refused.status).toBe(413);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(internalErrors.filter((line) => String(line).includes('internal error'))).toEqual([]);
  }, 120_000);
});
