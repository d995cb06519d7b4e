/**
 * The stand-in's model of FC instances: per function, a pool of instances each serving up to
 * `instanceConcurrency` calls at once; a call that finds no free slot starts a new instance (a cold start)
 * unless the account's instance limit is reached (then FC answers 429 ResourceExhausted); an instance idle
 * longer than the keep-alive is reclaimed, so the next call is cold again.
 */

export interface StandinInstance {
  readonly id: string;
  readonly functionName: string;
  busy: number;
  lastUsedMs: number;
}

export interface Acquired {
  readonly instance: StandinInstance;
  readonly coldStart: boolean;
}

export class InstancePool {
  private readonly byFunction = new Map<string, StandinInstance[]>();
  private started = 0;

  constructor(
    private readonly limits: { readonly instanceConcurrency: number; readonly maxInstances: number; readonly keepAliveMs: number },
    private readonly now: () => number,
  ) {}

  /** Drops instances that sat idle past the keep-alive. */
  private reclaim(nowMs: number): void {
    for (const [name, instances] of this.byFunction) {
      const alive = instances.filter((instance) => instance.busy > 0 || nowMs - instance.lastUsedMs <= this.limits.keepAliveMs);
      this.byFunction.set(name, alive);
    }
  }

  get instanceCount(): number {
    let count = 0;
    for (const instances of this.byFunction.values()) count += instances.length;
    return count;
  }

  /** A slot for one call, or undefined when the account limit forbids another instance (throttle). */
  acquire(functionName: string): Acquired | undefined {
    const nowMs = this.now();
    this.reclaim(nowMs);
    const instances = this.byFunction.get(functionName) ?? [];
    this.byFunction.set(functionName, instances);
    const free = instances.find((instance) => instance.busy < this.limits.instanceConcurrency);
    if (free) {
      free.busy += 1;
      free.lastUsedMs = nowMs;
      return { instance: free, coldStart: false };
    }
    if (this.instanceCount >= this.limits.maxInstances) return undefined;
    this.started += 1;
    const instance: StandinInstance = { id: `c-${this.started.toString(16).padStart(8, '0')}-standin`, functionName, busy: 1, lastUsedMs: nowMs };
    instances.push(instance);
    return { instance, coldStart: true };
  }

  release(instance: StandinInstance): void {
    instance.busy = Math.max(0, instance.busy - 1);
    instance.lastUsedMs = this.now();
  }
}
