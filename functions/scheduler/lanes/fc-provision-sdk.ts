/**
 * The thin boundary to `@alicloud/fc20230330` for minimum instances: one PutProvisionConfig call
 * (`PUT /2023-03-30/functions/<fn>/provision-config?qualifier=...`, JSON PutProvisionConfigInput). FC 3.0 calls
 * the input's `defaultTarget` the function's default minimum number of instances (the older `target` is
 * deprecated in its favour). fc-warm-pool.ts decides what to set; tests drive this through the real SDK against
 * the loopback stand-in, or inject their own `FcProvisionClient`.
 */
import * as FCModels from '@alicloud/fc20230330';
import * as $dara from '@darabonba/typescript';
import { sdkClientClass, sdkConfig, type FcClientOptions } from './fc-sdk.js';

export interface FcProvisionCall {
  readonly functionName: string;
  readonly qualifier: string;
  /** Minimum instances to keep started. */
  readonly instances: number;
  readonly readTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** What FC answered: the minimum it now holds for the function, and how many instances are up so far. */
export interface FcProvisionResult {
  readonly defaultTarget: number | undefined;
  readonly current: number | undefined;
}

/** Throws the SDK's errors (ClientError, ServerError, ThrottlingError, network), as InvokeFunction does. */
export interface FcProvisionClient {
  putProvisionConfig(call: FcProvisionCall): Promise<FcProvisionResult>;
}

interface SdkProvisionClient {
  putProvisionConfigWithOptions(
    functionName: string,
    request: FCModels.PutProvisionConfigRequest,
    headers: Record<string, string>,
    runtime: $dara.RuntimeOptions,
  ): Promise<FCModels.PutProvisionConfigResponse>;
}

export function createFcProvisionClient(options: FcClientOptions): FcProvisionClient {
  const Client = sdkClientClass<SdkProvisionClient>();
  const client = new Client(sdkConfig(options));
  return {
    async putProvisionConfig(call) {
      const response = await client.putProvisionConfigWithOptions(
        call.functionName,
        new FCModels.PutProvisionConfigRequest({
          qualifier: call.qualifier,
          body: new FCModels.PutProvisionConfigInput({
            defaultTarget: call.instances,
            // Idle warm instances keep their memory but not their vCPU: FC then bills them memory only, which is
            // what the planner's cost of a warm instance assumes (warmIdleUsdPerSecond).
            alwaysAllocateCPU: false,
            alwaysAllocateGPU: false,
          }),
        }),
        {},
        // No SDK retries: the warm pool retries on its own schedule.
        new $dara.RuntimeOptions({ autoretry: false, readTimeout: call.readTimeoutMs, connectTimeout: call.connectTimeoutMs }),
      );
      return { defaultTarget: response.body?.defaultTarget ?? response.body?.target, current: response.body?.current };
    },
  };
}
