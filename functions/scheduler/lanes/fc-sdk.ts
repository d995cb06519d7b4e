/**
 * The thin boundary to `@alicloud/fc20230330`: build a client and make one synchronous InvokeFunction call.
 * Everything the engine decides (routing, deadlines, retries, error meaning) lives in fc-invoker.ts, so tests
 * drive the real SDK against the loopback stand-in (functions/inference/fc-api-standin.ts) and a test that
 * wants no HTTP at all can inject its own `FcInvokeClient`.
 */
import { Readable } from 'node:stream';
import FCImport, * as FCModels from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';

/** Role credentials (FC injects them into the scheduler as ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/_SECURITY_TOKEN). */
export interface FcCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface FcClientOptions {
  readonly credentials: FcCredentials;
  /** Host[:port] only, no scheme (the SDK would read "http://x" as a host named "http"). */
  readonly endpoint: string;
  readonly protocol: 'https' | 'http';
}

export interface FcInvokeResult {
  readonly statusCode: number;
  /** Lower-case names, string values. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}

export interface FcInvokeCall {
  readonly functionName: string;
  readonly qualifier: string;
  readonly payload: Uint8Array;
  readonly readTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** One synchronous InvokeFunction. Throws the SDK's errors (ClientError, ServerError, ThrottlingError, network). */
export interface FcInvokeClient {
  invoke(call: FcInvokeCall): Promise<FcInvokeResult>;
}

interface SdkClient {
  invokeFunctionWithOptions(
    functionName: string,
    request: FCModels.InvokeFunctionRequest,
    headers: FCModels.InvokeFunctionHeaders,
    runtime: $dara.RuntimeOptions,
  ): Promise<FCModels.InvokeFunctionResponse>;
}

/**
 * The package is CommonJS with `exports.default = Client`. Plain Node ESM hands us `module.exports` (class at
 * `.default`), vitest hands us the class itself: accept both so production and tests run the same code.
 */
export function sdkClientClass<T = SdkClient>(): new (config: $OpenApiUtil.Config) => T {
  const imported = FCImport as unknown as { default?: unknown };
  const candidate = typeof imported === 'function' ? imported : imported.default;
  if (typeof candidate !== 'function') throw new Error('@alicloud/fc20230330: cannot find the Client class');
  return candidate as new (config: $OpenApiUtil.Config) => T;
}

/** The SDK's client configuration for these credentials and endpoint. */
export function sdkConfig(options: FcClientOptions): $OpenApiUtil.Config {
  return new $OpenApiUtil.Config({
    accessKeyId: options.credentials.accessKeyId,
    accessKeySecret: options.credentials.accessKeySecret,
    ...(options.credentials.securityToken ? { securityToken: options.credentials.securityToken } : {}),
    endpoint: options.endpoint,
    protocol: options.protocol,
  });
}

export function createFcSdkClient(options: FcClientOptions): FcInvokeClient {
  const Client = sdkClientClass();
  const client = new Client(sdkConfig(options));
  return {
    async invoke(call) {
      const response = await client.invokeFunctionWithOptions(
        call.functionName,
        new FCModels.InvokeFunctionRequest({ qualifier: call.qualifier, body: Readable.from([Buffer.from(call.payload)]) }),
        new FCModels.InvokeFunctionHeaders({ xFcInvocationType: 'Sync', xFcLogType: 'None' }),
        // No SDK retries: the invoker retries itself, within the batch's deadline.
        new $dara.RuntimeOptions({ autoretry: false, readTimeout: call.readTimeoutMs, connectTimeout: call.connectTimeoutMs }),
      );
      return {
        statusCode: response.statusCode ?? 0,
        headers: response.headers ?? {},
        body: response.body ?? Readable.from([]),
      };
    },
  };
}
