/**
 * The serverless lane's BatchRunner: one synchronous FC InvokeFunction per batch, on the account's internal
 * endpoint, with the scheduler role's credentials.
 *
 * - Memory: one inference function per memory size (s.yaml explains why: UpdateFunction switching would throw
 *   the warm pool away on every re-plan). The plan's ServerlessConfig picks `<base>-<memoryMb>`; a size that
 *   is not deployed rounds up to the nearest deployed one.
 * - Deadline: the SDK's read timeout is the time left; throttling, 5xx and network failures are retried with
 *   jittered exponential backoff only while another attempt can still finish before the deadline.
 * - Latency is measured here, on the scheduler's side, around the successful attempt.
 */
import { EngineError, expected } from '../../../shared/core/errors.js';
import { encodeBatch, parseBatchResponse } from '../../../shared/protocol/batch.js';
import type { ServerlessConfig } from '../../../shared/core/types.js';
import type { BatchDispatch, BatchOutcome, BatchRunner } from './batch-runner.js';
import { functionError, mapHandlerErrorBody, mapInvokeError } from './fc-errors.js';
import type { MappedFailure } from './fc-errors.js';
import { createFcSdkClient } from './fc-sdk.js';
import type { FcClientOptions, FcCredentials, FcInvokeClient, FcInvokeResult } from './fc-sdk.js';

export type { FcCredentials } from './fc-sdk.js';

export interface FcInvokerConfig {
  readonly accountId: string;
  readonly region: string;
  /** Base name; the function called is `<base>-<memoryMb>` when memorySizesMb is non-empty, else the base itself. */
  readonly functionName: string;
  /** Memory sizes deployed as `<base>-<size>` functions (s.yaml). Default: none (call the base name). */
  readonly memorySizesMb?: readonly number[];
  /** Default 'LATEST'. */
  readonly qualifier?: string;
  /** Host[:port], no scheme. Default: `<accountId>.<region>-internal.fc.aliyuncs.com`. */
  readonly endpoint?: string;
  /** Default 'https'; 'http' for a loopback stand-in. */
  readonly protocol?: 'https' | 'http';
  /**
   * Fixed credentials, or a function returning the current ones: STS tokens of a function role expire, and a
   * long-lived custom-runtime instance can take fresh ones from FC's per-request `x-fc-*` credential headers.
   */
  readonly credentials: FcCredentials | (() => FcCredentials);
  /** Attempts per batch at most, deadline permitting. Default 3. */
  readonly maxAttempts?: number;
  /** First backoff (ms), doubled per retry, with jitter in [50 %, 100 %]. Default 50. */
  readonly backoffMs?: number;
  /** Longest backoff (ms). Default 1000. */
  readonly maxBackoffMs?: number;
  /** A retry is only started if at least this long (ms) would be left for it. Default 50. */
  readonly minAttemptMs?: number;
  /** TCP connect timeout (ms), capped by the time left. Default 3000. */
  readonly connectTimeoutMs?: number;
}

/** Injected for tests: wall clock, timers, randomness and the SDK client. */
export interface FcInvokerDeps {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly clientFactory?: (options: FcClientOptions) => FcInvokeClient;
}

/** The internal (same-region, no Internet traffic) invoke endpoint of an account. */
export function internalEndpoint(accountId: string, region: string): string {
  return `${accountId}.${region}-internal.fc.aliyuncs.com`;
}

/** The function serving a plan's configuration: the smallest deployed size at least as large as asked. */
export function functionNameFor(base: string, memorySizesMb: readonly number[], config: ServerlessConfig | undefined): string {
  if (memorySizesMb.length === 0) return base;
  const sizes = [...memorySizesMb].sort((a, b) => a - b);
  const wanted = config?.memoryMb ?? sizes[0]!;
  const size = sizes.find((candidate) => candidate >= wanted) ?? sizes[sizes.length - 1]!;
  return `${base}-${size}`;
}

function validate(config: FcInvokerConfig): void {
  if (!/^\d{6,20}$/.test(config.accountId)) throw new EngineError('invalid_input', `FC invoker accountId: ${expected('6 to 20 digits', config.accountId)}`);
  if (!/^[a-z]{2}-[a-z0-9-]+$/.test(config.region)) throw new EngineError('invalid_input', `FC invoker region: ${expected('a region id like cn-hangzhou', config.region)}`);
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/.test(config.functionName)) {
    throw new EngineError('invalid_input', `FC invoker functionName: ${expected('a function name', config.functionName)}`);
  }
  if (config.endpoint !== undefined && /^[a-z]+:\/\//i.test(config.endpoint)) {
    throw new EngineError('invalid_input', `FC invoker endpoint: ${expected('host[:port] without a scheme (set protocol instead)', config.endpoint)}`);
  }
  for (const size of config.memorySizesMb ?? []) {
    if (!Number.isInteger(size) || size < 128 || size % 64 !== 0) {
      throw new EngineError('invalid_input', `FC invoker memorySizesMb: ${expected('multiples of 64 MB from 128', size)}`);
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects with deadline_exceeded after `ms`, unless the work settles first. */
async function withinDeadline<T>(work: Promise<T>, ms: number, what: string, onAbandon?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onAbandon?.();
      reject(new EngineError('deadline_exceeded', `${what}: abandoned at the batch deadline`));
    }, Math.max(0, ms));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // an abandoned call may still fail later; nobody waits for it
  }
}

async function readAll(result: FcInvokeResult): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of result.body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export class FcInvoker implements BatchRunner {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly clientFactory: (options: FcClientOptions) => FcInvokeClient;
  private readonly endpoint: string;
  private client?: { readonly key: string; readonly client: FcInvokeClient };
  /** Instances seen answering, to tell a first call (likely a cold start) from a warm one. Bounded. */
  private readonly seenInstances = new Set<string>();

  constructor(
    private readonly config: FcInvokerConfig,
    deps: FcInvokerDeps = {},
  ) {
    validate(config);
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? defaultSleep;
    this.random = deps.random ?? Math.random;
    this.clientFactory = deps.clientFactory ?? createFcSdkClient;
    this.endpoint = config.endpoint ?? internalEndpoint(config.accountId, config.region);
  }

  /** The SDK client for the current credentials (rebuilt when they rotate). */
  private currentClient(): FcInvokeClient {
    const credentials = typeof this.config.credentials === 'function' ? this.config.credentials() : this.config.credentials;
    if (!credentials.accessKeyId || !credentials.accessKeySecret) {
      throw new EngineError('lane_failed', 'Function Compute credentials are missing (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET)', undefined, true);
    }
    const key = `${credentials.accessKeyId}\n${credentials.securityToken ?? ''}`;
    if (this.client?.key !== key) {
      this.client = { key, client: this.clientFactory({ credentials, endpoint: this.endpoint, protocol: this.config.protocol ?? 'https' }) };
    }
    return this.client.client;
  }

  async run(dispatch: BatchDispatch): Promise<BatchOutcome> {
    const functionName = functionNameFor(this.config.functionName, this.config.memorySizesMb ?? [], dispatch.serverlessConfig);
    const qualifier = this.config.qualifier ?? 'LATEST';
    const target = `fc:${functionName}:${qualifier}`;
    const ids = dispatch.items.map((item) => item.id);
    const maxAttempts = this.config.maxAttempts ?? 3;
    const minAttemptMs = this.config.minAttemptMs ?? 50;
    let last: MappedFailure | undefined;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const startMs = this.now();
      const leftMs = dispatch.deadlineMs - startMs;
      if (leftMs <= 0) throw last?.error ?? new EngineError('deadline_exceeded', `${target}: the batch deadline passed before the call`);
      const payload = encodeBatch(dispatch.batchId, startMs, dispatch.items);
      try {
        const outcome = await this.attempt(functionName, qualifier, payload, dispatch.deadlineMs, ids);
        return { ...outcome, roundTripMs: this.now() - startMs, bytesSent: payload.byteLength, target };
      } catch (err) {
        if (err instanceof EngineError) throw err; // already final: deadline, function error, bad answer
        // The SDK's own read timeout (set to the time left) may fire a hair before our deadline timer.
        const timedOut = /timeout|timedout/i.test(`${(err as { name?: unknown }).name} ${(err as { code?: unknown }).code} ${(err as Error).message}`);
        if (this.now() >= dispatch.deadlineMs || (timedOut && dispatch.deadlineMs - this.now() < minAttemptMs)) {
          throw new EngineError('deadline_exceeded', `${target}: no answer before the batch deadline (${String((err as Error).message ?? err)})`);
        }
        last = mapInvokeError(err, functionName);
        if (!last.retrySameLane || attempt === maxAttempts) throw last.error;
        const exponential = Math.min(this.config.maxBackoffMs ?? 1000, (this.config.backoffMs ?? 50) * 2 ** (attempt - 1));
        const backoffMs = Math.max(last.retryAfterMs ?? 0, exponential * (0.5 + 0.5 * this.random()));
        // Retry only if the wait plus a useful attempt still fits before the deadline.
        if (this.now() + backoffMs + minAttemptMs > dispatch.deadlineMs) throw last.error;
        await this.sleep(backoffMs);
      }
    }
    throw last?.error ?? new EngineError('lane_failed', `${target}: no attempt was made`, undefined, true);
  }

  /** One call. SDK errors propagate raw (for mapping and retry); anything final is an EngineError. */
  private async attempt(functionName: string, qualifier: string, payload: Uint8Array, deadlineMs: number, ids: readonly string[]) {
    const client = this.currentClient();
    const leftMs = deadlineMs - this.now();
    const what = `fc:${functionName}:${qualifier}`;
    const call = client.invoke({
      functionName,
      qualifier,
      payload,
      readTimeoutMs: Math.max(1, Math.ceil(leftMs)),
      connectTimeoutMs: Math.max(1, Math.min(this.config.connectTimeoutMs ?? 3000, Math.ceil(leftMs))),
    });
    const result = await withinDeadline(call, leftMs, what);
    const body = await withinDeadline(readAll(result), deadlineMs - this.now(), what, () => result.body.destroy());
    const errorType = result.headers['x-fc-error-type'];
    if (errorType) throw functionError(errorType, body.toString('utf8'), functionName);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new EngineError('lane_failed', `${what}: the answer is not JSON (${body.byteLength} bytes)`, undefined, true);
    }
    const refused = mapHandlerErrorBody(parsed, functionName);
    if (refused) throw refused;
    const response = parseBatchResponse(parsed, ids);
    const instanceId = result.headers['x-fc-instance-id'];
    return { response, ...(instanceId ? { coldStart: this.firstCallTo(instanceId) } : {}) };
  }

  /**
   * FC 3.0 does not document a cold-start header; a call answered by an instance this scheduler has not seen
   * before is counted as a cold start (an over-estimate when several schedulers share the functions).
   */
  private firstCallTo(instanceId: string): boolean {
    if (this.seenInstances.has(instanceId)) return false;
    if (this.seenInstances.size >= 10_000) this.seenInstances.clear();
    this.seenInstances.add(instanceId);
    return true;
  }
}

/** Role credentials as FC injects them into a function's environment. */
export function fcCredentialsFromEnv(env: Readonly<Record<string, string | undefined>>): FcCredentials {
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? '';
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? '';
  if (!accessKeyId || !accessKeySecret) {
    throw new EngineError('invalid_input', 'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET must be set (FC sets them from the function role)');
  }
  const securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN;
  return { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) };
}
