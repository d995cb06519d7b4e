/**
 * What the simulator runs lanes on: a FIFO link per lane timed against a bandwidth trace, the edge box (batches in flight,
 * one GPU), and the Function Compute instance pool (instance concurrency, keep-alive, cold starts,
 * warm instances, the account's instance limit, a memory switch retiring the old configuration's instances).
 */
import { bandwidthTrace, transferEndMs, type BandwidthTrace } from '../traces/bandwidth-trace.js';
import type { ServerlessConfig } from '../types.js';

/** One direction of a lane's network: transfers queue behind each other (they share the link). */
export class Link {
  private freeAtMs = 0;

  constructor(readonly trace: BandwidthTrace) {}

  static constant(mbps: number): Link {
    return new Link(bandwidthTrace([0], [mbps], 1000));
  }

  /** Sends `bits` no earlier than `nowMs`; returns when the last bit arrives. */
  send(nowMs: number, bits: number): number {
    const start = Math.max(nowMs, this.freeAtMs);
    this.freeAtMs = transferEndMs(this.trace, start, bits);
    return this.freeAtMs;
  }
}

/**
 * The edge box's slots as the scheduler keeps them: up to `slots` batches in flight (one uploading while another
 * computes). Its GPU, serving them one after another, is the engine's queue (a batch abandoned before its turn is
 * dropped there).
 */
export class EdgeBox {
  private busy = 0;

  constructor(readonly slots: number) {}

  freeSlots(): number {
    return this.slots - this.busy;
  }

  acquire(): void {
    this.busy += 1;
  }

  release(): void {
    this.busy -= 1;
  }
}

export interface Instance {
  readonly configKey: string;
  readonly memoryMb: number;
  busy: number;
  /** When it last became idle (busy dropped to 0). */
  idleSinceMs: number;
  /** A warm (minimum) instance: never reclaimed while its configuration runs, billed for memory while idle. */
  warm: boolean;
  /** A warm instance FC is still starting in the background takes no call before this. */
  readyAtMs: number;
}

export interface Acquired {
  readonly instance: Instance;
  readonly cold: boolean;
}

const keys = new WeakMap<ServerlessConfig, string>();
/** A configuration's identity (cached per object: plans are reused, and this runs on every slot query). */
const configKey = (config: ServerlessConfig) => {
  let key = keys.get(config);
  if (key === undefined) keys.set(config, (key = `${config.memoryMb}/${config.cpu}`));
  return key;
};

/** Function Compute instances of one function whose configuration the plan may switch. */
export class InstancePool {
  private instances: Instance[] = [];
  coldStarts = 0;
  peakInstances = 0;
  /** Idle memory of warm instances, GB x ms: what FC bills them while they wait. */
  warmIdleGbMs = 0;

  constructor(
    readonly concurrency: number,
    readonly keepAliveMs: number,
    readonly limit: number,
  ) {}

  /** Earliest instant an idle instance of `expiryKey` expires; expire() has nothing to do before it. */
  private nextExpiryMs = Infinity;
  private expiryKey = '';

  /**
   * Drops instances idle past keep-alive and idle instances of another configuration (after UpdateFunction
   * FC starts new instances for new calls; the old ones only finish what they run). Called on every slot query,
   * so it returns at once unless something can have expired.
   */
  private expire(nowMs: number, key: string): void {
    if (key === this.expiryKey && nowMs < this.nextExpiryMs) return;
    const kept = (i: Instance) => i.busy > 0 || (i.configKey === key && (i.warm || nowMs - i.idleSinceMs < this.keepAliveMs));
    for (const i of this.instances) if (i.warm && !kept(i)) this.billIdle(i, nowMs);
    this.instances = this.instances.filter(kept);
    this.expiryKey = key;
    this.nextExpiryMs = Infinity;
    for (const i of this.instances) if (i.busy === 0 && !i.warm) this.nextExpiryMs = Math.min(this.nextExpiryMs, i.idleSinceMs + this.keepAliveMs);
  }

  /** freeSlots' last answer, valid until the pool changes (the queue asks far more often than it changes). */
  private cached: { key: string; free: number; validUntilMs: number } | undefined;

  /** Calls that can start now without being throttled. */
  freeSlots(nowMs: number, config: ServerlessConfig): number {
    const key = configKey(config);
    const cached = this.cached;
    if (cached && cached.key === key && nowMs < cached.validUntilMs) return cached.free;
    this.expire(nowMs, key);
    let free = (this.limit - this.instances.length) * this.concurrency;
    let validUntilMs = this.nextExpiryMs;
    for (const instance of this.instances) {
      if (instance.configKey !== key) continue;
      if (instance.readyAtMs <= nowMs) free += this.concurrency - instance.busy;
      else validUntilMs = Math.min(validUntilMs, instance.readyAtMs);
    }
    this.cached = { key, free, validUntilMs };
    return free;
  }

  /**
   * Keeps `count` instances of `config` warm (FC minimum instances): idle instances of it become warm first, then
   * FC starts new ones in the background, ready `startMs` later; warm instances past the count go back to
   * on-demand. Warm instances of another configuration are retired with it (expire).
   */
  setWarm(nowMs: number, config: ServerlessConfig, count: number, startMs: number): void {
    this.cached = undefined;
    const key = configKey(config);
    this.expire(nowMs, key);
    let warm = 0;
    for (const instance of this.instances) {
      if (instance.configKey !== key) continue;
      const keep = warm < count;
      if (instance.warm && !keep) this.chill(instance, nowMs);
      else if (!instance.warm && keep) this.warmUp(instance, nowMs);
      if (keep) warm += 1;
    }
    for (; warm < count && this.instances.length < this.limit; warm += 1) {
      this.instances.push({ configKey: key, memoryMb: config.memoryMb, busy: 0, idleSinceMs: nowMs, warm: true, readyAtMs: nowMs + startMs });
    }
    this.peakInstances = Math.max(this.peakInstances, this.instances.length);
    this.nextExpiryMs = nowMs;
  }

  /**
   * Adds `count` idle on-demand instances of `config`, running already (no cold start): the pool a service that
   * has been serving its load for a while has. They go after the keep-alive like any other idle instance.
   */
  addRunning(nowMs: number, config: ServerlessConfig, count: number): void {
    this.cached = undefined;
    const key = configKey(config);
    for (let i = 0; i < count && this.instances.length < this.limit; i += 1) {
      this.instances.push({ configKey: key, memoryMb: config.memoryMb, busy: 0, idleSinceMs: nowMs, warm: false, readyAtMs: nowMs });
    }
    this.peakInstances = Math.max(this.peakInstances, this.instances.length);
    this.nextExpiryMs = Math.min(this.nextExpiryMs, nowMs + this.keepAliveMs);
  }

  /** Bills warm instances' idle memory up to `nowMs` (call once at the end of a run). */
  finish(nowMs: number): void {
    for (const instance of this.instances) if (instance.warm && instance.busy === 0) this.billIdle(instance, nowMs);
  }

  private warmUp(instance: Instance, nowMs: number): void {
    instance.warm = true;
    if (instance.busy === 0) instance.idleSinceMs = nowMs;
  }

  private chill(instance: Instance, nowMs: number): void {
    if (instance.busy === 0) this.billIdle(instance, nowMs);
    instance.warm = false;
  }

  /** Adds a warm instance's idle memory since it last went idle, and restarts the count at `nowMs`. */
  private billIdle(instance: Instance, nowMs: number): void {
    const from = Math.max(instance.idleSinceMs, instance.readyAtMs);
    if (nowMs > from) this.warmIdleGbMs += (instance.memoryMb / 1024) * (nowMs - from);
    instance.idleSinceMs = nowMs;
  }

  /** Takes a slot on a warm instance, or starts a new one (cold); undefined when the account limit throttles. */
  acquire(nowMs: number, config: ServerlessConfig): Acquired | undefined {
    const key = configKey(config);
    this.cached = undefined;
    this.expire(nowMs, key);
    // The busiest instance with room: FC packs calls onto running instances before starting new ones.
    let best: Instance | undefined;
    for (const instance of this.instances) {
      if (instance.configKey === key && instance.readyAtMs <= nowMs && instance.busy < this.concurrency && (!best || instance.busy > best.busy)) {
        best = instance;
        // None can be busier and still have room: the first such stays the pick (later ones would tie, not beat it).
        if (best.busy === this.concurrency - 1) break;
      }
    }
    if (best) {
      if (best.warm && best.busy === 0) this.billIdle(best, nowMs);
      best.busy += 1;
      return { instance: best, cold: false };
    }
    if (this.instances.length >= this.limit) return undefined;
    const instance: Instance = { configKey: key, memoryMb: config.memoryMb, busy: 1, idleSinceMs: nowMs, warm: false, readyAtMs: nowMs };
    this.instances.push(instance);
    this.coldStarts += 1;
    this.peakInstances = Math.max(this.peakInstances, this.instances.length);
    return { instance, cold: true };
  }

  release(instance: Instance, nowMs: number): void {
    instance.busy -= 1;
    if (instance.busy === 0) {
      instance.idleSinceMs = nowMs;
      // Another config's instance going idle must be retired at the next query; a warm one of this config stays.
      if (instance.configKey !== this.expiryKey) this.nextExpiryMs = nowMs;
      else if (!instance.warm) this.nextExpiryMs = Math.min(this.nextExpiryMs, nowMs + this.keepAliveMs);
    }
    // The slot it frees, counted into freeSlots' last answer rather than counting every instance again: a busy
    // instance was ready when the answer was built (taking it dropped the answer before), and an earlier expiry
    // ends the answer's validity, as a fresh count would (then expire() runs first).
    const cached = this.cached;
    if (cached && cached.key === instance.configKey) {
      cached.free += 1;
      cached.validUntilMs = Math.min(cached.validUntilMs, this.nextExpiryMs);
    } else this.cached = undefined;
  }
}
