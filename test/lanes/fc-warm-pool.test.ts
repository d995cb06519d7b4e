/**
 * FC minimum instances through the real @alicloud/fc20230330 SDK (PutProvisionConfig) against the loopback stand-in
 * of FC's API: what goes on the wire, what the stand-in then holds (instances that never start cold), moves with
 * the plan's memory, and failures (throttling, a missing permission) reported and retried, never thrown.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFcApiStandin, type FcApiStandin } from '../../functions/inference/fc-api-standin.js';
import { FcInvoker } from '../../functions/scheduler/lanes/fc-invoker.js';
import { FcWarmPool, type WarmPoolEvents } from '../../functions/scheduler/lanes/fc-warm-pool.js';
import type { Plan } from '../../shared/core/types.js';
import { decodeBatch, type BatchResponse } from '../../shared/protocol/batch.js';

const ACCOUNT = '1234567890123456';
const BASE = 'edgebatch-inference';
const SIZES = [1024, 2048, 3072, 4096];
const CREDENTIALS = { accessKeyId: 'STS.test-key', accessKeySecret: 'test-secret', securityToken: 'test-token' };

/** A function body that answers every item: the subject here is instances, not inference. */
function echoHandler(event: Buffer): BatchResponse {
  const batch = decodeBatch(new Uint8Array(event));
  return { batchId: batch.batchId, model: 'echo', results: batch.items.map((item) => ({ id: item.id, ok: true, labels: [{ label: 'x', score: 1 }] })), timings: { preprocessMs: 0, inferMs: 0, totalMs: 0 } };
}

function plan(memoryMb: number, warmInstances: number): Plan {
  return {
    policy: 'test',
    createdAtMs: 0,
    reason: 'manual',
    rateRps: 10,
    bandwidthMbps: { edge: 20, serverless: 1000 },
    sloMs: 1000,
    sloTarget: 0.999,
    lanes: { edge: { batchSize: 4, timeoutMs: 50, share: 0.5 }, serverless: { batchSize: 1, timeoutMs: 0, share: 0.5 } },
    serverless: { memoryMb, cpu: memoryMb / 2048 },
    warmInstances,
    predicted: { p99LatencyMs: { edge: 500, serverless: 300 }, costPerMillionUsd: 1, edgeUtilisation: 0.5, attainment: 0.999 },
  };
}

const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition(), what).toBe(true);
};

describe('FcWarmPool through the real SDK against the FC API stand-in', () => {
  let standin: FcApiStandin;
  let pool: FcWarmPool;
  const events: { applied: { functionName: string; instances: number }[]; failed: { functionName: string; error: string; retryInMs: number }[] } = { applied: [], failed: [] };
  const listener: WarmPoolEvents = {
    applied: ({ functionName, instances }) => events.applied.push({ functionName, instances }),
    failed: ({ functionName, error, retryInMs }) => events.failed.push({ functionName, error, retryInMs }),
  };

  beforeEach(async () => {
    events.applied.length = 0;
    events.failed.length = 0;
    standin = await startFcApiStandin({ handler: echoHandler, functions: SIZES.map((size) => `${BASE}-${size}`), accountId: ACCOUNT });
    pool = new FcWarmPool(
      { functionName: BASE, memorySizesMb: SIZES, endpoint: standin.endpoint, protocol: 'http', credentials: () => CREDENTIALS, retryMs: 20, maxRetryMs: 100 },
      { events: listener },
    );
  });
  afterEach(async () => {
    pool.stop();
    await standin.close();
  });

  it('sets the plan function\'s minimum with PutProvisionConfig on the wire, and the others to 0', async () => {
    pool.apply(plan(2048, 2));
    await until(() => !pool.status().pending, 'all four functions set');
    const calls = standin.provisionCalls;
    // The active function first, then the other deployed sizes.
    expect(calls.map((call) => [call.functionName, (call.body as { defaultTarget: number }).defaultTarget])).toEqual([
      [`${BASE}-2048`, 2],
      [`${BASE}-1024`, 0],
      [`${BASE}-3072`, 0],
      [`${BASE}-4096`, 0],
    ]);
    const first = calls[0]!;
    expect(first.status).toBe(200);
    expect(first.qualifier).toBe('LATEST');
    // Idle warm instances bill memory only, as the planner costs them.
    expect(first.body).toEqual({ defaultTarget: 2, alwaysAllocateCPU: false, alwaysAllocateGPU: false });
    expect(first.headers['x-acs-action']).toBe('PutProvisionConfig');
    expect(first.headers['x-acs-version']).toBe('2023-03-30');
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=STS\.test-key,/);
    expect(first.headers['x-acs-security-token']).toBe('test-token');
    expect(pool.status()).toEqual({ functionName: `${BASE}-2048`, wanted: 2, applied: 2, pending: false, lastError: null });
    expect(standin.minimumInstances(`${BASE}-2048`)).toBe(2);
    expect(events.applied).toHaveLength(4);
  });

  it('the warm instances it keeps serve calls without a cold start', async () => {
    pool.apply(plan(2048, 2));
    await until(() => !pool.status().pending, 'set');
    const invoker = new FcInvoker({ accountId: ACCOUNT, region: 'cn-hangzhou', functionName: BASE, memorySizesMb: SIZES, endpoint: standin.endpoint, protocol: 'http', credentials: CREDENTIALS });
    const item = { id: 'a', contentType: 'image/jpeg', data: new Uint8Array([0xff, 0xd8, 0xff]) };
    await Promise.all([0, 1].map((i) => invoker.run({ batchId: `b${i}`, items: [item], deadlineMs: Date.now() + 5000, serverlessConfig: { memoryMb: 2048, cpu: 1 } })));
    expect(standin.calls.map((call) => call.coldStart)).toEqual([false, false]);
    expect(standin.coldStarts).toBe(0);
  });

  it('moves the warm pool with the plan\'s memory, and calls only for what changed', async () => {
    pool.apply(plan(2048, 2));
    await until(() => !pool.status().pending, 'first plan set');
    const before = standin.provisionCalls.length;
    pool.apply(plan(2048, 2)); // same plan: nothing to do
    pool.apply(plan(3072, 1));
    await until(() => !pool.status().pending, 'second plan set');
    expect(standin.provisionCalls.slice(before).map((call) => [call.functionName, (call.body as { defaultTarget: number }).defaultTarget])).toEqual([
      [`${BASE}-3072`, 1],
      [`${BASE}-2048`, 0],
    ]);
    expect(standin.minimumInstances(`${BASE}-2048`)).toBe(0);
    expect(standin.minimumInstances(`${BASE}-3072`)).toBe(1);
  });

  it('reports throttling and a missing permission, then retries until FC accepts', async () => {
    standin.failProvisionNext(1, 'throttling');
    standin.failProvisionNext(1, 'access-denied');
    expect(() => pool.apply(plan(4096, 3))).not.toThrow();
    await until(() => events.failed.length === 2 && !pool.status().pending, 'both failures retried');
    expect(events.failed.map((event) => event.functionName)).toEqual([`${BASE}-4096`, `${BASE}-4096`]);
    expect(events.failed[0]!.error).toMatch(/ResourceExhausted 429/);
    expect(events.failed[1]!.error).toMatch(/AccessDenied 403/);
    expect(events.failed[1]!.retryInMs).toBeGreaterThan(events.failed[0]!.retryInMs); // backing off
    expect(standin.provisionCalls.slice(0, 3).map((call) => call.status)).toEqual([429, 403, 200]);
    expect(pool.status()).toMatchObject({ functionName: `${BASE}-4096`, wanted: 3, applied: 3, lastError: null });
  });

  it('a function FC does not know is reported (404), not thrown, and retried', async () => {
    const lonely = new FcWarmPool(
      { functionName: 'not-deployed', memorySizesMb: [], endpoint: standin.endpoint, protocol: 'http', credentials: () => CREDENTIALS, retryMs: 10_000 },
      { events: listener },
    );
    lonely.apply(plan(2048, 1));
    await until(() => events.failed.length === 1, 'failure reported');
    expect(events.failed[0]).toMatchObject({ functionName: 'not-deployed', retryInMs: 10_000 });
    expect(events.failed[0]!.error).toMatch(/FunctionNotFound 404/);
    expect(lonely.status()).toMatchObject({ applied: null, pending: true, lastError: expect.stringMatching(/FunctionNotFound/) });
    lonely.stop();
  });
});

describe('the stand-in\'s PutProvisionConfig refuses what FC refuses', () => {
  let standin: FcApiStandin;
  beforeEach(async () => {
    standin = await startFcApiStandin({ handler: echoHandler, maxInstances: 3 });
  });
  afterEach(() => standin.close());

  const put = (path: string, body: string) => fetch(`http://${standin.endpoint}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });

  it('answers the ProvisionConfig, and says how many instances the account limit let it start', async () => {
    const response = await put('/2023-03-30/functions/f/provision-config?qualifier=LATEST', JSON.stringify({ defaultTarget: 5 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      alwaysAllocateCPU: true,
      alwaysAllocateGPU: true,
      current: 3,
      currentError: 'instance limit reached: 3 of 5 started',
      defaultTarget: 5,
      functionArn: 'acs:fc:cn-hangzhou:1234567890123456:functions/f',
      scheduledActions: [],
      target: 5,
      targetTrackingPolicies: [],
    });
  });

  it('refuses a bad body, a target out of range and a version qualifier with 400 InvalidArgument', async () => {
    for (const [path, body] of [
      ['/2023-03-30/functions/f/provision-config', '{not json'],
      ['/2023-03-30/functions/f/provision-config', JSON.stringify({ defaultTarget: -1 })],
      ['/2023-03-30/functions/f/provision-config', JSON.stringify({ defaultTarget: 1.5 })],
      ['/2023-03-30/functions/f/provision-config', JSON.stringify({ alwaysAllocateCPU: false })],
      ['/2023-03-30/functions/f/provision-config?qualifier=3', JSON.stringify({ defaultTarget: 1 })],
    ] as const) {
      const response = await put(path, body);
      expect(response.status, `${path} ${body}`).toBe(400);
      expect(await response.json()).toMatchObject({ Code: 'InvalidArgument' });
    }
    expect(standin.provisionCalls.map((call) => call.status)).toEqual([400, 400, 400, 400, 400]);
  });
});
