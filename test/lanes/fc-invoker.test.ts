/**
 * The FC invoker through the real @alicloud/fc20230330 SDK against the loopback stand-in of FC's invoke API,
 * which hosts the real inference handler (functions/inference/index.ts) and the real default model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/core/errors.js';
import { decodeBatch, encodeBatch } from '../../shared/protocol/batch.js';
import type { BatchItem } from '../../shared/protocol/batch.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { startFcApiStandin } from '../../functions/inference/fc-api-standin.js';
import type { FcApiStandin } from '../../functions/inference/fc-api-standin.js';
import { FcInvoker } from '../../functions/scheduler/lanes/fc-invoker.js';
import type { FcInvokerConfig } from '../../functions/scheduler/lanes/fc-invoker.js';
import { REPO_ROOT, DATA } from '../support/paths.js';

const ACCOUNT = '1234567890123456';
const images: BatchItem[] = [
  { id: 'hello', contentType: 'image/jpeg', data: readFileSync(join(REPO_ROOT, 'test/fixtures/images/text-hello.jpg')) },
  { id: 'fox', contentType: 'image/png', data: readFileSync(join(REPO_ROOT, 'test/fixtures/images/text-fox.png')) },
  { id: 'seed', contentType: 'image/jpeg', data: readFileSync(join(DATA, 'seed/images/1.jpg')) },
];

/** Retries wait on this instead of the clock: deterministic and instant; it records what was asked. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

function invokerFor(standin: FcApiStandin, overrides: Partial<FcInvokerConfig> = {}, waits = recordingSleep()) {
  return new FcInvoker(
    {
      accountId: ACCOUNT,
      region: 'cn-hangzhou',
      functionName: 'edgebatch-inference',
      memorySizesMb: [1024, 2048, 3072, 4096],
      endpoint: standin.endpoint,
      protocol: 'http',
      credentials: { accessKeyId: 'STS.test-key', accessKeySecret: 'test-secret', securityToken: 'test-token' },
      ...overrides,
    },
    { sleep: waits.sleep, random: () => 0.5 },
  );
}

const inAWhile = () => Date.now() + 30_000;

async function failureOf(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe('FcInvoker against the FC API stand-in running the real inference handler', () => {
  let standin: FcApiStandin;
  beforeAll(async () => {
    standin = await startFcApiStandin();
  });
  afterAll(() => standin.close());

  it('returns the real model results, routed by memory, with signed requests', async () => {
    const invoker = invokerFor(standin);
    const outcome = await invoker.run({ batchId: 'b-1', items: images, deadlineMs: inAWhile(), serverlessConfig: { memoryMb: 2048, cpu: 1 } });

    // Computed independently: the same model run in this process on the same batch.
    const direct = await getModelRunner().runBatch(decodeBatch(encodeBatch('b-1', 0, images)));
    expect(outcome.response.results).toEqual(direct.results);
    expect(outcome.response.results.map((r) => r.id)).toEqual(['hello', 'fox', 'seed']);
    expect(outcome.response.results.every((r) => r.ok)).toBe(true);
    expect(outcome.target).toBe('fc:edgebatch-inference-2048:LATEST');
    // The header carries the send time: a 13-digit epoch ms now.
    expect(outcome.bytesSent).toBe(encodeBatch('b-1', 1_700_000_000_000, images).byteLength);
    expect(outcome.roundTripMs).toBeGreaterThan(0);
    expect(outcome.coldStart).toBe(true);

    const call = standin.calls.at(-1)!;
    expect(call.functionName).toBe('edgebatch-inference-2048');
    expect(call.qualifier).toBe('LATEST');
    expect(call.bytes).toBe(outcome.bytesSent);
    expect(call.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=STS\.test-key,SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}$/);
    expect(call.headers).toMatchObject({
      'x-acs-action': 'InvokeFunction',
      'x-acs-version': '2023-03-30',
      'x-acs-security-token': 'test-token',
      'x-fc-invocation-type': 'Sync',
      'content-type': 'application/octet-stream',
    });
    expect(call.headers['x-acs-content-sha256']).toMatch(/^[0-9a-f]{64}$/);

    const again = await invoker.run({ batchId: 'b-2', items: images.slice(0, 1), deadlineMs: inAWhile(), serverlessConfig: { memoryMb: 2048, cpu: 1 } });
    expect(again.coldStart).toBe(false);
  });

  it('rounds a size that is not deployed up to the next deployed one, and beyond the largest down to it', async () => {
    const invoker = invokerFor(standin);
    await invoker.run({ batchId: 'r-1', items: images.slice(0, 1), deadlineMs: inAWhile(), serverlessConfig: { memoryMb: 1536, cpu: 1 } });
    expect(standin.calls.at(-1)!.functionName).toBe('edgebatch-inference-2048');
    await invoker.run({ batchId: 'r-2', items: images.slice(0, 1), deadlineMs: inAWhile(), serverlessConfig: { memoryMb: 8192, cpu: 4 } });
    expect(standin.calls.at(-1)!.functionName).toBe('edgebatch-inference-4096');
    await invoker.run({ batchId: 'r-3', items: images.slice(0, 1), deadlineMs: inAWhile() });
    expect(standin.calls.at(-1)!.functionName).toBe('edgebatch-inference-1024');
  });

  it('retries a 5xx within the deadline, with backoff, and then succeeds', async () => {
    const waits = recordingSleep();
    const before = standin.calls.length;
    standin.failNext(2, 'server-error');
    const outcome = await invokerFor(standin, { backoffMs: 40 }, waits).run({ batchId: 'x-1', items: images.slice(0, 1), deadlineMs: inAWhile() });
    expect(outcome.response.results[0]!.ok).toBe(true);
    expect(standin.calls.slice(before).map((c) => c.status)).toEqual([500, 500, 200]);
    // Exponential with jitter factor 0.75 (random() = 0.5): 40 * 0.75, 80 * 0.75.
    expect(waits.waits).toEqual([30, 60]);
  });

  it('maps repeated 5xx to a retryable lane failure after maxAttempts', async () => {
    const before = standin.calls.length;
    standin.failNext(3, 'server-error');
    const error = await failureOf(invokerFor(standin).run({ batchId: 'x-2', items: images.slice(0, 1), deadlineMs: inAWhile() }));
    expect(error.code).toBe('lane_failed');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/InternalServerError 500/);
    expect(standin.calls.length - before).toBe(3);
  });

  it('maps throttling (429) to throttled, retrying it first', async () => {
    const before = standin.calls.length;
    standin.failNext(1, 'throttling');
    await invokerFor(standin).run({ batchId: 't-1', items: images.slice(0, 1), deadlineMs: inAWhile() });
    expect(standin.calls.slice(before).map((c) => c.status)).toEqual([429, 200]);

    standin.failNext(3, 'throttling');
    const error = await failureOf(invokerFor(standin).run({ batchId: 't-2', items: images.slice(0, 1), deadlineMs: inAWhile() }));
    expect(error.code).toBe('throttled');
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });

  it('maps x-fc-error-type (the function failed) to a lane failure, without retrying the same function', async () => {
    const before = standin.calls.length;
    standin.failNext(1, 'function-error');
    const error = await failureOf(invokerFor(standin).run({ batchId: 'f-1', items: images.slice(0, 1), deadlineMs: inAWhile() }));
    expect(error.code).toBe('lane_failed');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('UnhandledInvocationError');
    expect(error.message).toContain('injected fault: the function crashed');
    expect(standin.calls.length - before).toBe(1);
  });

  it("maps the handler's refusal of a malformed batch to invalid_input", async () => {
    const duplicateIds = [images[0]!, images[0]!];
    const error = await failureOf(invokerFor(standin).run({ batchId: 'm-1', items: duplicateIds, deadlineMs: inAWhile() }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/appears twice/);
  });

  it('abandons a stalled call at the deadline', async () => {
    standin.failNext(1, 'stall');
    const error = await failureOf(invokerFor(standin).run({ batchId: 's-1', items: images.slice(0, 1), deadlineMs: Date.now() + 400 }));
    expect(error.code).toBe('deadline_exceeded');
  });

  it('does not retry when the backoff would not fit before the deadline', async () => {
    const waits = recordingSleep();
    const before = standin.calls.length;
    standin.failNext(1, 'server-error');
    const error = await failureOf(invokerFor(standin, { backoffMs: 60_000, maxBackoffMs: 60_000 }, waits).run({ batchId: 'd-1', items: images.slice(0, 1), deadlineMs: Date.now() + 10_000 }));
    expect(error.code).toBe('lane_failed');
    expect(standin.calls.length - before).toBe(1);
    expect(waits.waits).toEqual([]);
  });

  it('refuses a batch whose deadline has already passed without calling FC', async () => {
    const before = standin.calls.length;
    const error = await failureOf(invokerFor(standin).run({ batchId: 'late', items: images.slice(0, 1), deadlineMs: Date.now() - 1 }));
    expect(error.code).toBe('deadline_exceeded');
    expect(standin.calls.length).toBe(before);
  });

  it('signs with the current credentials when they rotate', async () => {
    let key = 'STS.first';
    const invoker = invokerFor(standin, { credentials: () => ({ accessKeyId: key, accessKeySecret: 's', securityToken: `token-${key}` }) });
    await invoker.run({ batchId: 'c-1', items: images.slice(0, 1), deadlineMs: inAWhile() });
    expect(standin.calls.at(-1)!.headers.authorization).toContain('Credential=STS.first,');
    key = 'STS.second';
    await invoker.run({ batchId: 'c-2', items: images.slice(0, 1), deadlineMs: inAWhile() });
    expect(standin.calls.at(-1)!.headers.authorization).toContain('Credential=STS.second,');
    expect(standin.calls.at(-1)!.headers['x-acs-security-token']).toBe('token-STS.second');
  });
});

describe('FcInvoker against a stand-in with a tiny handler (platform behaviour)', () => {
  const echo = (event: Buffer) => {
    const batch = decodeBatch(event);
    return { batchId: batch.batchId, model: 'echo', results: batch.items.map((item) => ({ id: item.id, ok: true, labels: [] })), timings: { preprocessMs: 0, inferMs: 0, totalMs: 0 } };
  };
  const one = [{ id: 'a', contentType: 'image/jpeg', data: new Uint8Array([1, 2, 3]) }];

  it('maps a function that is not deployed (404) to a lane failure without retrying it', async () => {
    const standin = await startFcApiStandin({ handler: echo, functions: ['edgebatch-inference-1024'] });
    try {
      const error = await failureOf(invokerFor(standin).run({ batchId: 'n-1', items: one, deadlineMs: inAWhile(), serverlessConfig: { memoryMb: 2048, cpu: 1 } }));
      expect(error.code).toBe('lane_failed');
      expect(error.message).toMatch(/FunctionNotFound 404/);
      expect(standin.calls.map((c) => c.status)).toEqual([404]);
    } finally {
      await standin.close();
    }
  });

  it('counts a cold start for a new instance and again after the keep-alive expires', async () => {
    let clock = 0;
    const standin = await startFcApiStandin({ handler: echo, keepAliveMs: 60_000, now: () => clock });
    try {
      const invoker = invokerFor(standin);
      const first = await invoker.run({ batchId: 'k-1', items: one, deadlineMs: inAWhile() });
      clock += 30_000;
      const warm = await invoker.run({ batchId: 'k-2', items: one, deadlineMs: inAWhile() });
      clock += 60_001;
      const cold = await invoker.run({ batchId: 'k-3', items: one, deadlineMs: inAWhile() });
      expect([first.coldStart, warm.coldStart, cold.coldStart]).toEqual([true, false, true]);
      expect(standin.coldStarts).toBe(2);
      expect(standin.instanceCount).toBe(1);
    } finally {
      await standin.close();
    }
  });

  it('throttles past the instance limit, as FC does', async () => {
    const standin = await startFcApiStandin({ handler: echo, maxInstances: 1, stallMs: 60_000 });
    try {
      standin.failNext(1, 'stall');
      const stalled = invokerFor(standin).run({ batchId: 'q-1', items: one, deadlineMs: Date.now() + 60_000 });
      stalled.catch(() => undefined);
      // Wait until the first call holds the only instance.
      while (standin.instanceCount === 0) await new Promise((resolve) => setImmediate(resolve));
      const error = await failureOf(invokerFor(standin, { maxAttempts: 1 }).run({ batchId: 'q-2', items: one, deadlineMs: inAWhile() }));
      expect(error.code).toBe('throttled');
      expect(standin.calls.at(-1)!.status).toBe(429);
    } finally {
      await standin.close();
    }
  });

  it('maps a refused connection to a retryable lane failure after retrying', async () => {
    const standin = await startFcApiStandin({ handler: echo });
    await standin.close();
    const waits = recordingSleep();
    const error = await failureOf(invokerFor(standin, {}, waits).run({ batchId: 'e-1', items: one, deadlineMs: inAWhile() }));
    expect(error.code).toBe('lane_failed');
    expect(error.retryable).toBe(true);
    expect(waits.waits).toHaveLength(2);
  });
});
