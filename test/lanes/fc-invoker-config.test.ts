/** The invoker's configuration from the environment, routing, and error mapping of the SDK's error classes. */
import { ClientError, ServerError, ThrottlingError } from '@alicloud/openapi-core';
import { describe, expect, it } from 'vitest';
import { mapInvokeError } from '../../functions/scheduler/lanes/fc-errors.js';
import { fcInvokerConfig } from '../../functions/scheduler/build-lanes.js';
import { FcInvoker, functionNameFor, internalEndpoint } from '../../functions/scheduler/lanes/fc-invoker.js';
import type { FcClientOptions } from '../../functions/scheduler/lanes/fc-sdk.js';
import { loadSchedulerConfig, loadSchedulerConfigOrThrow } from '../../shared/protocol/config-load.js';

const env = {
  HOST: '127.0.0.1',
  INFERENCE_FUNCTION: 'edgebatch-inference',
  INFERENCE_REGION: 'cn-shanghai',
  ACCOUNT_ID: '1234567890123456',
  MEMORY_MB_OPTIONS: '1024, 2048,4096',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.id',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
  ALIBABA_CLOUD_SECURITY_TOKEN: 'token',
};

/** The invoker's settings exactly as the scheduler derives them: its one config loader, then buildLanes' mapping. */
function invokerConfigFrom(vars: Readonly<Record<string, string | undefined>>) {
  const config = fcInvokerConfig(loadSchedulerConfigOrThrow({ env: vars }), vars);
  if (!config) throw new Error('expected an FC serverless lane');
  return config;
}

function configErrors(vars: Readonly<Record<string, string | undefined>>): readonly string[] {
  const result = loadSchedulerConfig({ env: vars });
  if (result.ok) throw new Error('expected the configuration to be invalid');
  return result.errors;
}

describe('FC invoker settings from the environment (the scheduler config loader)', () => {
  it('reads the names s.yaml sets and the role credentials FC injects', () => {
    const config = invokerConfigFrom(env);
    expect(config).toMatchObject({ functionName: 'edgebatch-inference', region: 'cn-shanghai', accountId: '1234567890123456', memorySizesMb: [1024, 2048, 4096], protocol: 'https' });
    expect(config.credentials()).toEqual({ accessKeyId: 'STS.id', accessKeySecret: 'secret', securityToken: 'token' });
  });

  it("falls back to FC's injected FC_REGION and FC_ACCOUNT_ID, and takes an endpoint override", () => {
    const { INFERENCE_REGION: _r, ACCOUNT_ID: _a, ...rest } = env;
    const config = invokerConfigFrom({ ...rest, FC_REGION: 'cn-beijing', FC_ACCOUNT_ID: '99887766', INFERENCE_ENDPOINT: '127.0.0.1:9300', INFERENCE_PROTOCOL: 'http' });
    expect(config).toMatchObject({ region: 'cn-beijing', accountId: '99887766', endpoint: '127.0.0.1:9300', protocol: 'http' });
  });

  it('reads the role credentials per call when the config has none, so rotated STS tokens are picked up', () => {
    const { ALIBABA_CLOUD_ACCESS_KEY_ID: _i, ALIBABA_CLOUD_ACCESS_KEY_SECRET: _s, ALIBABA_CLOUD_SECURITY_TOKEN: _t, ...rest } = env;
    const rotating: Record<string, string | undefined> = { ...rest };
    const config = invokerConfigFrom(rotating);
    expect(() => config.credentials()).toThrow(/ALIBABA_CLOUD_ACCESS_KEY_SECRET must be set/);
    Object.assign(rotating, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.new', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'fresh' });
    expect(config.credentials()).toEqual({ accessKeyId: 'STS.new', accessKeySecret: 'fresh' });
  });

  it('says what is missing or wrong', () => {
    expect(configErrors({ ...env, INFERENCE_FUNCTION: undefined })).toEqual([
      'lanes.serverless.fc.functionName (env INFERENCE_FUNCTION): Expected a string, got nothing',
    ]);
    expect(configErrors({ ...env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined })).toEqual([
      'security.cloud.accessKeySecret (env ALIBABA_CLOUD_ACCESS_KEY_SECRET): Expected a string, got nothing',
    ]);
    expect(configErrors({ ...env, INFERENCE_PROTOCOL: 'ftp' })).toEqual([expect.stringMatching(/^lanes\.serverless\.fc\.protocol \(env INFERENCE_PROTOCOL\): Expected one of "https", "http"/)]);
    expect(configErrors({ ...env, MEMORY_MB_OPTIONS: '1000' })).toEqual([expect.stringMatching(/^planner\.bounds\.memoryMbOptions\[0\] \(env MEMORY_MB_OPTIONS\): Expected a multiple of 64/)]);
    expect(() => new FcInvoker(invokerConfigFrom({ ...env, INFERENCE_ENDPOINT: 'http://127.0.0.1:9' }))).toThrow(/without a scheme/);
  });
});

describe('routing and endpoint', () => {
  it('uses the internal endpoint of the account by default', () => {
    let seen: FcClientOptions | undefined;
    const invoker = new FcInvoker(invokerConfigFrom(env), {
      clientFactory: (options) => {
        seen = options;
        return { invoke: () => Promise.reject(new Error('not called')) };
      },
    });
    void invoker.run({ batchId: 'b', items: [{ id: 'a', contentType: 'image/jpeg', data: new Uint8Array(1) }], deadlineMs: Date.now() + 1000 }).catch(() => undefined);
    expect(seen).toMatchObject({ endpoint: '1234567890123456.cn-shanghai-internal.fc.aliyuncs.com', protocol: 'https' });
    expect(internalEndpoint('1', 'cn-hangzhou')).toBe('1.cn-hangzhou-internal.fc.aliyuncs.com');
  });

  it('names the function by memory size, or uses the base name when no sizes are deployed', () => {
    expect(functionNameFor('f', [], { memoryMb: 2048, cpu: 1 })).toBe('f');
    expect(functionNameFor('f', [4096, 1024], { memoryMb: 1024, cpu: 1 })).toBe('f-1024');
    expect(functionNameFor('f', [4096, 1024], { memoryMb: 1088, cpu: 1 })).toBe('f-4096');
  });
});

describe('mapInvokeError on the SDK error classes', () => {
  it('a refused payload (400 EntityTooLarge) is invalid_input, not retried', () => {
    const mapped = mapInvokeError(new ClientError({ statusCode: 400, code: 'EntityTooLarge', message: 'payload size exceeds maximum', requestId: 'r1' }), 'fn');
    expect(mapped.error.code).toBe('invalid_input');
    expect(mapped.retrySameLane).toBe(false);
    expect(mapped.error.message).toBe('Function Compute fn: EntityTooLarge 400: payload size exceeds maximum (request r1)');
  });

  it('missing permission (403) is a lane failure for the other lane, not retried here', () => {
    const mapped = mapInvokeError(new ClientError({ statusCode: 403, code: 'AccessDenied', message: 'no' }), 'fn');
    expect([mapped.error.code, mapped.error.retryable, mapped.retrySameLane]).toEqual(['lane_failed', true, false]);
  });

  it('ThrottlingError and 503 ResourceThrottled are throttled and retried', () => {
    const throttled = mapInvokeError(new ThrottlingError({ statusCode: 400, code: 'Throttling.User', message: 'slow down', retryAfter: 200 }), 'fn');
    expect([throttled.error.code, throttled.retrySameLane, throttled.retryAfterMs]).toEqual(['throttled', true, 200]);
    const quota = mapInvokeError(new ServerError({ statusCode: 503, code: 'ResourceThrottled', message: 'instances' }), 'fn');
    expect(quota.error.code).toBe('throttled');
  });

  it('5xx is a retryable lane failure; an unknown error is a lane failure not retried', () => {
    const server = mapInvokeError(new ServerError({ statusCode: 502, code: 'BadGateway', message: 'x' }), 'fn');
    expect([server.error.code, server.retrySameLane]).toEqual(['lane_failed', true]);
    const other = mapInvokeError(new Error('weird'), 'fn');
    expect([other.error.code, other.retrySameLane]).toEqual(['lane_failed', false]);
  });
});

describe('deadline handling with an injected client', () => {
  it("reports the SDK's own read timeout just before the deadline as deadline_exceeded, not a lane failure", async () => {
    let clock = 1_000;
    const deadlineMs = 1_100;
    const invoker = new FcInvoker(invokerConfigFrom(env), {
      now: () => clock,
      sleep: async () => undefined,
      clientFactory: () => ({
        invoke: async (call) => {
          expect(call.readTimeoutMs).toBe(100); // the time left
          clock = deadlineMs - 5; // the SDK gave up 5 ms early
          throw Object.assign(new Error('ReadTimeout(100). POST http://x failed.'), { name: 'RequestTimeoutError' });
        },
      }),
    });
    const error = await invoker.run({ batchId: 'b', items: [{ id: 'a', contentType: 'image/jpeg', data: new Uint8Array(1) }], deadlineMs }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'deadline_exceeded' });
  });
});
