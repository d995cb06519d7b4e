/**
 * Bad input: random and mutated bodies, content types and signatures against the edge agent's batch
 * endpoint. Every answer must be a JSON 200 or 4xx, never a 5xx, a crash or a hang. Most go through the app's
 * fetch handler in process (the same code the HTTP server runs), a seeded sample over real loopback HTTP.
 * Seeded (fast-check), so a failure reproduces.
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestVerifier, signRequest } from '../../shared/protocol/auth.js';
import { BATCH_CONTENT_TYPE, encodeBatch } from '../../shared/protocol/batch.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { createEdgeAgentApp } from '../../edge-agent/app.js';
import { TelemetryBuffer } from '../../edge-agent/telemetry-buffer.js';
import { item, textHelloJpeg } from '../model/support.js';
import { SECRET, listen, type Running } from './support.js';

const clock = { now: () => performance.now(), wallNow: () => Date.now() };
const ALLOWED = new Set([200, 400, 401, 413, 415, 429]);
/**
 * 2,000 in the regular suite, which runs on every change; FUZZ_RUNS sets another count for a longer search,
 * e.g. FUZZ_RUNS=10000 npx vitest run test/edge-agent/fuzz.test.ts.
 */
const IN_PROCESS_RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);

interface FuzzCase {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  readonly sign: 'good' | 'none' | 'garbage';
}

const valid = encodeBatch('fuzz', 0, [item('a', textHelloJpeg()), item('b', textHelloJpeg().subarray(0, 2000))]);

/** A valid batch with bytes flipped, a slice cut out or appended junk; or bytes from nowhere. */
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.nat(valid.byteLength - 1), fc.integer({ min: 0, max: 255 }), fc.nat(20)).map(([at, value, more]) => {
    const copy = new Uint8Array(valid);
    for (let i = 0; i <= more && at + i < copy.byteLength; i++) copy[at + i] = (value + i * 37) & 0xff;
    return copy;
  }),
  fc.tuple(fc.nat(valid.byteLength), fc.nat(valid.byteLength)).map(([a, b]) => new Uint8Array(valid.subarray(Math.min(a, b), Math.max(a, b)))),
  fc.uint8Array({ maxLength: 64 }).map((junk) => {
    const copy = new Uint8Array(valid.byteLength + junk.byteLength);
    copy.set(valid);
    copy.set(junk, valid.byteLength);
    return copy;
  }),
  fc.json().map((text) => {
    // A well-framed batch whose header is arbitrary JSON.
    const header = new TextEncoder().encode(text);
    const out = new Uint8Array(8 + header.byteLength);
    out.set([0x45, 0x42, 0x42, 0x31]);
    new DataView(out.buffer).setUint32(4, header.byteLength);
    out.set(header, 8);
    return out;
  }),
);

const cases: fc.Arbitrary<FuzzCase> = fc.record({
  body: bodies,
  contentType: fc.oneof({ weight: 8, arbitrary: fc.constant(BATCH_CONTENT_TYPE) }, { weight: 1, arbitrary: fc.constantFrom('', 'image/jpeg', 'application/json', `${BATCH_CONTENT_TYPE}; charset=x`) }),
  sign: fc.oneof({ weight: 8, arbitrary: fc.constant('good' as const) }, { weight: 1, arbitrary: fc.constantFrom('none' as const, 'garbage' as const) }),
});

function headersFor(fuzz: FuzzCase): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': fuzz.contentType };
  if (fuzz.sign === 'good') Object.assign(headers, signRequest(SECRET, 'POST', '/v1/batch', fuzz.body, Date.now()));
  if (fuzz.sign === 'garbage') Object.assign(headers, { 'x-edgebatch-timestamp': 'yesterday', 'x-edgebatch-signature': 'v1=zz' });
  return headers;
}

const statusCounts: Record<number, number> = {};
async function checkAnswer(response: Response): Promise<void> {
  statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1;
  const text = await response.text();
  if (!ALLOWED.has(response.status)) throw new Error(`status ${response.status}: ${text.slice(0, 200)}`);
  const json = JSON.parse(text) as { error?: { code: string; message: string }; results?: unknown[] };
  if (response.status !== 200 && !(json.error && typeof json.error.message === 'string')) throw new Error(`error without a message: ${text}`);
}

describe('edge agent batch endpoint under fuzzed input', () => {
  const model = getModelRunner();
  const { app } = createEdgeAgentApp({
    model,
    // A long replay window and fresh verifier: identical fuzz bodies signed in the same millisecond are replays (401).
    verifier: new RequestVerifier(SECRET),
    clock,
    telemetry: new TelemetryBuffer(),
    limits: { maxBatchBytes: 16 * 1024, concurrency: 1, maxQueuedBatches: 64, minTransferSampleBytes: 64 * 1024 },
  });
  let agent: Running;

  beforeAll(async () => {
    await model.load();
    agent = await listen(app.fetch);
  });
  afterAll(() => agent.close());

  it(`answers ${IN_PROCESS_RUNS} fuzzed requests in process with 200 or a JSON 4xx`, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (fuzz) => {
        await checkAnswer(await app.fetch(new Request('http://agent/v1/batch', { method: 'POST', headers: headersFor(fuzz), body: fuzz.body })));
      }),
      { numRuns: IN_PROCESS_RUNS, seed: 20_260_601 },
    );
  }, 240_000);

  it('answers 300 fuzzed requests over loopback HTTP, and stays healthy', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (fuzz) => {
        await checkAnswer(await fetch(`${agent.url}/v1/batch`, { method: 'POST', headers: headersFor(fuzz), body: fuzz.body }));
      }),
      { numRuns: 300, seed: 7 },
    );
    // All four kinds of answer were exercised, not just the cheap refusals.
    expect(Object.keys(statusCounts).sort()).toEqual(['200', '400', '401', '415']);
    expect(await (await fetch(`${agent.url}/healthz`)).json()).toMatchObject({ ok: true, running: 0, queued: 0 });
  }, 120_000);
});
