/**
 * The simulated lanes: a FIFO link per lane timed against a bandwidth trace, the edge box (a fixed number of
 * streams, one batch each), and the Function Compute instance pool (instance concurrency, keep-alive, cold starts,
 * the account's instance limit, a memory switch retiring the old configuration's instances).
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

/** The edge box: `streams` batches at once. */
export class EdgeBox {
  private busy = 0;

  constructor(readonly streams: number) {}

  freeSlots(): number {
    return this.streams - this.busy;
  }

  acquire(): void {
    this.busy += 1;
  }

  release(): void {
    this.busy -= 1;
  }
}

interface Instance {
  readonly configKey: string;
  busy: number;
  /** When it last became idle (busy dropped to 0). */
  idleSinceMs: number;
}

export interface Acquired {
  readonly instance: Instance;
  readonly cold: boolean;
}

const configKey = (config: ServerlessConfig) => `${config.memoryMb}/${config.cpu}`;

/** Function Compute instances of one function whose configuration the plan may switch. */
export class InstancePool {
  private instances: Instance[] = [];
  coldStarts = 0;
  peakInstances = 0;

  constructor(
    readonly concurrency: number,
    readonly keepAliveMs: number,
    readonly limit: number,
  ) {}

  /**
   * Drops instances idle past keep-alive and idle instances of another configuration (after UpdateFunction
   * FC starts new instances for new calls; the old ones only finish what they run).
   */
  private expire(nowMs: number, key: string): void {
    this.instances = this.instances.filter((i) => i.busy > 0 || (i.configKey === key && nowMs - i.idleSinceMs < this.keepAliveMs));
  }

  /** Calls that can start now without being throttled. */
  freeSlots(nowMs: number, config: ServerlessConfig): number {
    const key = configKey(config);
    this.expire(nowMs, key);
    let free = (this.limit - this.instances.length) * this.concurrency;
    for (const instance of this.instances) if (instance.configKey === key) free += this.concurrency - instance.busy;
    return free;
  }

  /** Takes a slot on a warm instance, or starts a new one (cold); undefined when the account limit throttles. */
  acquire(nowMs: number, config: ServerlessConfig): Acquired | undefined {
    const key = configKey(config);
    this.expire(nowMs, key);
    // The busiest instance with room: FC packs calls onto running instances before starting new ones.
    let best: Instance | undefined;
    for (const instance of this.instances) {
      if (instance.configKey === key && instance.busy < this.concurrency && (!best || instance.busy > best.busy)) best = instance;
    }
    if (best) {
      best.busy += 1;
      return { instance: best, cold: false };
    }
    if (this.instances.length >= this.limit) return undefined;
    const instance: Instance = { configKey: key, busy: 1, idleSinceMs: nowMs };
    this.instances.push(instance);
    this.coldStarts += 1;
    this.peakInstances = Math.max(this.peakInstances, this.instances.length);
    return { instance, cold: true };
  }

  release(instance: Instance, nowMs: number): void {
    instance.busy -= 1;
    if (instance.busy === 0) instance.idleSinceMs = nowMs;
  }
}
