/**
 * The stand-in's PutProvisionConfig (FC 3.0): how the scheduler sets a function's minimum instances.
 *
 *   PUT /2023-03-30/functions/<fn>/provision-config?qualifier=LATEST, JSON body PutProvisionConfigInput
 *   (`defaultTarget`, or the older `target`: 0 to 10000; alwaysAllocateCPU/GPU, scheduledActions,
 *   targetTrackingPolicies), signed like every FC call (recorded, not verified);
 *   200 + JSON ProvisionConfig: {alwaysAllocateCPU, alwaysAllocateGPU, current, defaultTarget, functionArn,
 *   scheduledActions, target, targetTrackingPolicies}; errors as FC's `{Code, Message, RequestId}`.
 *
 * FC accepts the call for LATEST or an alias, not a published version number. The pool then holds the minimum
 * (fc-api-standin-instances.ts): `current` is how many instances it could start within the account limit.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { InstancePool } from './fc-api-standin-instances.js';

export type ProvisionFault = 'throttling' | 'server-error' | 'access-denied';

export interface RecordedProvisionCall {
  readonly functionName: string;
  readonly qualifier: string | null;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly status: number;
  readonly fault?: ProvisionFault;
}

export interface ProvisionAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export const PROVISION_PATH = /^\/2023-03-30\/functions\/([^/]+)\/provision-config$/;

const MAX_TARGET = 10_000;

const FAULTS: Record<ProvisionFault, { status: number; code: string; message: string }> = {
  throttling: { status: 429, code: 'ResourceExhausted', message: 'injected fault: too many requests' },
  'server-error': { status: 500, code: 'InternalServerError', message: 'injected fault: internal error' },
  'access-denied': { status: 403, code: 'AccessDenied', message: 'injected fault: the role may not call fc:PutProvisionConfig' },
};

export interface ProvisionContext {
  readonly pool: InstancePool;
  readonly known: ReadonlySet<string> | undefined;
  readonly region: string;
  readonly accountId: string;
  readonly requestId: string;
  readonly fault: ProvisionFault | undefined;
}

const platformError = (status: number, code: string, message: string, requestId: string): ProvisionAnswer => ({
  status,
  body: { Code: code, Message: message, RequestId: requestId },
});

function isTarget(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TARGET;
}

export function putProvisionConfig(functionName: string, qualifier: string | null, raw: Buffer, context: ProvisionContext): ProvisionAnswer {
  const { requestId } = context;
  if (context.fault) {
    const fault = FAULTS[context.fault];
    return platformError(fault.status, fault.code, fault.message, requestId);
  }
  if (context.known && !context.known.has(functionName)) return platformError(404, 'FunctionNotFound', `function '${functionName}' does not exist`, requestId);
  if (qualifier !== null && /^\d+$/.test(qualifier)) {
    return platformError(400, 'InvalidArgument', `provisioned instances can be set for LATEST or an alias, not version ${qualifier}`, requestId);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return platformError(400, 'InvalidArgument', 'the body is not valid JSON', requestId);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return platformError(400, 'InvalidArgument', 'the body must be a PutProvisionConfigInput object', requestId);
  const input = body as Record<string, unknown>;
  const target = input.defaultTarget ?? input.target;
  if (!isTarget(target)) return platformError(400, 'InvalidArgument', `defaultTarget must be an integer from 0 to ${MAX_TARGET}, got ${JSON.stringify(target)}`, requestId);
  for (const flag of ['alwaysAllocateCPU', 'alwaysAllocateGPU'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') return platformError(400, 'InvalidArgument', `${flag} must be a boolean`, requestId);
  }
  const current = context.pool.setMinimum(functionName, target);
  return {
    status: 200,
    body: {
      alwaysAllocateCPU: input.alwaysAllocateCPU ?? true,
      alwaysAllocateGPU: input.alwaysAllocateGPU ?? true,
      current,
      ...(current < target ? { currentError: `instance limit reached: ${current} of ${target} started` } : {}),
      defaultTarget: target,
      functionArn: `acs:fc:${context.region}:${context.accountId}:functions/${functionName}`,
      scheduledActions: input.scheduledActions ?? [],
      target,
      targetTrackingPolicies: input.targetTrackingPolicies ?? [],
    },
  };
}
