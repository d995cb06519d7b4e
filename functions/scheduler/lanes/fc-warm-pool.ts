/**
 * Keeps FC's minimum instances where the plan in force wants them: `plan.warmInstances` on the function of the
 * plan's memory size (`<base>-<memoryMb>`, as the invoker routes), 0 on the other deployed sizes, so a memory
 * change moves the warm pool instead of paying for two. Set with PutProvisionConfig (fc-provision-sdk.ts).
 *
 * It runs beside dispatch and never blocks or fails it: calls go one at a time in the background; a failure
 * (throttling, a missing RAM permission, a function not deployed) is reported and the call retried later, with
 * backoff, until it succeeds or a newer plan wants something else.
 */
import type { Plan } from '../../../shared/core/types.js';
import { mapInvokeError } from './fc-errors.js';
import { functionNameFor } from './fc-invoker.js';
import { createFcProvisionClient, type FcProvisionClient } from './fc-provision-sdk.js';
import type { FcClientOptions, FcCredentials } from './fc-sdk.js';

export interface FcWarmPoolConfig {
  /** Base name; the deployed functions are `<base>-<memoryMb>` (or the base itself when no sizes are listed). */
  readonly functionName: string;
  readonly memorySizesMb: readonly number[];
  /** LATEST or an alias (FC sets minimum instances on those, not on a version). Default 'LATEST'. */
  readonly qualifier?: string;
  /** Host[:port], no scheme, as the invoker's. */
  readonly endpoint: string;
  readonly protocol: 'https' | 'http';
  readonly credentials: () => FcCredentials;
  /** First wait before retrying a failed call (ms), doubled per failure. Default 5000. */
  readonly retryMs?: number;
  /** Longest wait between retries (ms). Default 300000. */
  readonly maxRetryMs?: number;
}

export interface WarmPoolEvents {
  applied?(event: { functionName: string; instances: number; current: number | undefined }): void;
  failed?(event: { functionName: string; instances: number; error: string; retryInMs: number }): void;
}

export interface FcWarmPoolDeps {
  readonly clientFactory?: (options: FcClientOptions) => FcProvisionClient;
  readonly events?: WarmPoolEvents;
}

/** What /v1/state shows of it. */
export interface WarmPoolStatus {
  readonly functionName: string | null;
  readonly wanted: number;
  /** What FC last accepted for that function; null until then. */
  readonly applied: number | null;
  /** A call is still to be made (or retried). */
  readonly pending: boolean;
  readonly lastError: string | null;
}

const CALL_TIMEOUT_MS = 10_000;

export class FcWarmPool {
  private readonly wanted = new Map<string, number>();
  private readonly applied = new Map<string, number>();
  private readonly clientFactory: (options: FcClientOptions) => FcProvisionClient;
  private active: string | undefined;
  private running = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private lastError: string | null = null;
  private stopped = false;
  private client?: { readonly key: string; readonly client: FcProvisionClient };

  constructor(
    private readonly config: FcWarmPoolConfig,
    private readonly deps: FcWarmPoolDeps = {},
  ) {
    this.clientFactory = deps.clientFactory ?? createFcProvisionClient;
  }

  /** Every deployed function (the ones a plan can route to). */
  private functions(): string[] {
    const sizes = this.config.memorySizesMb;
    return sizes.length === 0 ? [this.config.functionName] : sizes.map((size) => `${this.config.functionName}-${size}`);
  }

  /** The plan in force: from now on its function keeps plan.warmInstances, the others none. */
  apply(plan: Plan): void {
    if (this.stopped) return;
    const active = functionNameFor(this.config.functionName, this.config.memorySizesMb, plan.serverless);
    this.active = active;
    for (const name of this.functions()) this.wanted.set(name, name === active ? Math.max(0, Math.round(plan.warmInstances)) : 0);
    if (this.retryTimer) return; // a retry is due; it will carry the new wishes
    this.startReconcile();
  }

  status(): WarmPoolStatus {
    const name = this.active ?? null;
    return {
      functionName: name,
      wanted: name ? (this.wanted.get(name) ?? 0) : 0,
      applied: name ? (this.applied.get(name) ?? null) : null,
      pending: this.outstanding().length > 0,
      lastError: this.lastError,
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Functions whose minimum differs from what FC last accepted (the active one first). */
  private outstanding(): string[] {
    const names = [...this.wanted.keys()].filter((name) => this.wanted.get(name) !== this.applied.get(name));
    return names.sort((a, b) => Number(b === this.active) - Number(a === this.active));
  }

  private currentClient(): FcProvisionClient {
    const credentials = this.config.credentials();
    const key = `${credentials.accessKeyId}\n${credentials.securityToken ?? ''}`;
    if (this.client?.key !== key) {
      this.client = { key, client: this.clientFactory({ credentials, endpoint: this.config.endpoint, protocol: this.config.protocol }) };
    }
    return this.client.client;
  }

  /** Nothing here may reach dispatch or crash the process: a throwing listener is ignored too. */
  private startReconcile(): void {
    this.reconcile().catch(() => undefined);
  }

  private notify<K extends keyof WarmPoolEvents>(kind: K, event: Parameters<NonNullable<WarmPoolEvents[K]>>[0]): void {
    try {
      (this.deps.events?.[kind] as ((event: unknown) => void) | undefined)?.(event);
    } catch {
      // a listener's failure is not the pool's
    }
  }

  /** One call at a time, until nothing is outstanding or a call fails (then a retry later). */
  private async reconcile(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let name = this.outstanding()[0]; name !== undefined && !this.stopped; name = this.outstanding()[0]) {
        const instances = this.wanted.get(name)!;
        try {
          const result = await this.currentClient().putProvisionConfig({
            functionName: name,
            qualifier: this.config.qualifier ?? 'LATEST',
            instances,
            readTimeoutMs: CALL_TIMEOUT_MS,
            connectTimeoutMs: CALL_TIMEOUT_MS,
          });
          this.applied.set(name, instances);
          this.failures = 0;
          this.lastError = null;
          this.notify('applied', { functionName: name, instances, current: result.current });
        } catch (error) {
          this.retryLater(name, instances, error);
          return;
        }
      }
    } finally {
      this.running = false;
    }
  }

  private retryLater(name: string, instances: number, error: unknown): void {
    const mapped = mapInvokeError(error, name);
    this.failures += 1;
    const backoffMs = Math.min(this.config.maxRetryMs ?? 300_000, (this.config.retryMs ?? 5000) * 2 ** (this.failures - 1));
    const retryInMs = Math.max(backoffMs, mapped.retryAfterMs ?? 0);
    this.lastError = mapped.error.message;
    this.notify('failed', { functionName: name, instances, error: mapped.error.message, retryInMs });
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.startReconcile();
    }, retryInMs);
    this.retryTimer.unref();
  }
}
