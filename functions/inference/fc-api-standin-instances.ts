/**
 * The stand-in's model of FC instances: per function, a pool of instances each serving up to
 * `instanceConcurrency` calls at once; a call that finds no free slot starts a new instance (a cold start)
 * unless the account's instance limit is reached (then FC answers 429 ResourceExhausted); an instance idle
 * longer than the keep-alive is reclaimed, so the next call is cold again.
 *
 * Minimum instances (PutProvisionConfig's defaultTarget): FC starts that many instances of the function ahead
 * of calls and keeps them however idle, so calls they serve never start cold.
 */

export interface StandinInstance {
  readonly id: string;
  readonly functionName: string;
  busy: number;
  lastUsedMs: number;
  /** Kept by the function's minimum: never reclaimed while it is. */
  provisioned: boolean;
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

  /** Drops instances that sat idle past the keep-alive, except those the function's minimum keeps. */
  private reclaim(nowMs: number): void {
    for (const [name, instances] of this.byFunction) {
      const alive = instances.filter((instance) => instance.provisioned || instance.busy > 0 || nowMs - instance.lastUsedMs <= this.limits.keepAliveMs);
      this.byFunction.set(name, alive);
    }
  }

  get instanceCount(): number {
    let count = 0;
    for (const instances of this.byFunction.values()) count += instances.length;
    return count;
  }

  private instancesOf(functionName: string): StandinInstance[] {
    const instances = this.byFunction.get(functionName) ?? [];
    this.byFunction.set(functionName, instances);
    return instances;
  }

  private startInstance(functionName: string, nowMs: number, busy: number, provisioned: boolean): StandinInstance {
    this.started += 1;
    const instance: StandinInstance = { id: `c-${this.started.toString(16).padStart(8, '0')}-standin`, functionName, busy, lastUsedMs: nowMs, provisioned };
    this.instancesOf(functionName).push(instance);
    return instance;
  }

  /** A slot for one call, or undefined when the account limit forbids another instance (throttle). */
  acquire(functionName: string): Acquired | undefined {
    const nowMs = this.now();
    this.reclaim(nowMs);
    const free = this.instancesOf(functionName).find((instance) => instance.busy < this.limits.instanceConcurrency);
    if (free) {
      free.busy += 1;
      free.lastUsedMs = nowMs;
      return { instance: free, coldStart: false };
    }
    if (this.instanceCount >= this.limits.maxInstances) return undefined;
    return { instance: this.startInstance(functionName, nowMs, 1, false), coldStart: true };
  }

  release(instance: StandinInstance): void {
    instance.busy = Math.max(0, instance.busy - 1);
    instance.lastUsedMs = this.now();
  }

  /**
   * Keeps `target` instances of the function started: those already running count first, then new ones start, as far as
   * the account limit allows; instances beyond a lowered minimum are released (idle) or left to the keep-alive
   * (busy). Returns how many the minimum now holds (FC's `current`).
   */
  setMinimum(functionName: string, target: number): number {
    const nowMs = this.now();
    this.reclaim(nowMs);
    const released = new Set<StandinInstance>();
    let held = 0;
    for (const instance of this.instancesOf(functionName)) {
      if (instance.provisioned && held >= target) released.add(instance);
      instance.provisioned = held < target;
      if (instance.provisioned) held += 1;
    }
    this.byFunction.set(functionName, this.instancesOf(functionName).filter((instance) => !released.has(instance) || instance.busy > 0));
    while (held < target && this.instanceCount < this.limits.maxInstances) {
      this.startInstance(functionName, nowMs, 0, true);
      held += 1;
    }
    return held;
  }

  /** Instances the function's minimum holds now. */
  minimumHeld(functionName: string): number {
    return (this.byFunction.get(functionName) ?? []).filter((instance) => instance.provisioned).length;
  }
}
