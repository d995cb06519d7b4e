/**
 * A whole scheduler on an FC serverless lane (the real SDK against the FC API stand-in) applies its plan's warm
 * instances with PutProvisionConfig at start, shows them in `/v1/state` and `/metrics`, and keeps serving when
 * FC refuses the call: the failure is logged, counted and left for a later retry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFcApiStandin, type FcApiStandin } from '../../functions/inference/fc-api-standin.js';
import { createScheduler, type SchedulerInstance } from '../../functions/scheduler/create-scheduler.js';
import { createLogger } from '../../functions/scheduler/ops/logger.js';
import { SchedulerConfigSchema, type SchedulerConfig } from '../../shared/protocol/config.js';
import { decodeBatch, type BatchResponse } from '../../shared/protocol/batch.js';
import { InferResultSchema, SchedulerStateSchema, type SchedulerState } from '../../shared/protocol/http-schemas.js';
import { textHelloJpeg } from '../model/support.js';
import { find, parseExposition } from '../ops/prom-text.js';
import { listen } from '../ops/serve.js';

const BASE = 'edgebatch-inference';
const SIZES = [1024, 2048, 3072, 4096];

function echoHandler(event: Buffer): BatchResponse {
  const batch = decodeBatch(new Uint8Array(event));
  return { batchId: batch.batchId, model: 'echo', results: batch.items.map((item) => ({ id: item.id, ok: true, labels: [{ label: 'x', score: 1 }] })), timings: { preprocessMs: 0, inferMs: 0, totalMs: 0 } };
}

describe('a scheduler on FC keeps the plan\'s warm instances', () => {
  let standin: FcApiStandin | undefined;
  let scheduler: SchedulerInstance | undefined;
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  const logged: string[] = [];

  afterEach(async () => {
    await server?.close();
    await scheduler?.close();
    await standin?.close();
    logged.length = 0;
  });

  /** The FC API stand-in, and a configuration whose serverless lane is FC through it. */
  async function startStandin(): Promise<SchedulerConfig> {
    standin = await startFcApiStandin({ handler: echoHandler, functions: SIZES.map((size) => `${BASE}-${size}`) });
    const config = SchedulerConfigSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      store: { kind: 'memory' },
      logging: { level: 'info' },
      lanes: { serverless: { fc: { functionName: BASE, region: 'cn-hangzhou', accountId: '1234567890123456', endpoint: standin.endpoint, protocol: 'http' } } },
      planner: { bounds: { memoryMbOptions: SIZES } },
      security: { cloud: { accessKeyId: 'STS.key', accessKeySecret: 'secret', securityToken: 'token' } },
    });
    return config;
  }

  async function startScheduler(config: SchedulerConfig): Promise<string> {
    scheduler = await createScheduler(config, { logger: createLogger({ level: 'info', destination: { write: (line: string) => void logged.push(line) } }) });
    server = await listen(scheduler.app);
    return server.url;
  }

  const state = async (url: string): Promise<SchedulerState> => SchedulerStateSchema.parse(await (await fetch(`${url}/v1/state`)).json());
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 300 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await condition()).toBe(true);
  };

  it('sets them on the plan\'s function at start and shows them', async () => {
    const url = await startScheduler(await startStandin());
    const { plan } = await state(url);
    const active = `${BASE}-${SIZES.find((size) => size >= plan!.serverless.memoryMb) ?? 4096}`;
    await until(async () => (await state(url)).lanes.serverless.warm?.pending === false);
    expect((await state(url)).lanes.serverless.warm).toEqual({ functionName: active, wanted: plan!.warmInstances, applied: plan!.warmInstances, pending: false, lastError: null });
    expect(standin!.provisionCalls.map((call) => call.functionName).sort()).toEqual(SIZES.map((size) => `${BASE}-${size}`).sort());
    expect(standin!.minimumInstances(active)).toBe(plan!.warmInstances);
    const text = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(find(text, 'edgebatch_plan_warm_instances')).toBe(plan!.warmInstances);
    expect(find(text, 'edgebatch_serverless_warm_instances_applied')).toBe(plan!.warmInstances);
    expect(logged.some((line) => line.includes('FC minimum instances set'))).toBe(true);
  });

  it('keeps serving while FC refuses the call, and says so', async () => {
    const config = await startStandin();
    standin!.failProvisionNext(1, 'throttling');
    const url = await startScheduler(config);
    const response = await fetch(`${url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(textHelloJpeg()) });
    expect(response.status).toBe(200);
    expect(InferResultSchema.parse(await response.json()).placement).toBe('serverless');
    await until(async () => (await state(url)).lanes.serverless.warm?.lastError !== null);
    expect((await state(url)).lanes.serverless.warm).toMatchObject({ applied: null, pending: true, lastError: expect.stringMatching(/ResourceExhausted 429/) });
    const text = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(find(text, 'edgebatch_warm_pool_errors_total')).toBe(1);
    expect(logged.some((line) => line.includes('could not set FC minimum instances; retrying later'))).toBe(true);
  });
});
