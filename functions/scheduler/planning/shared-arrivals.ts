/**
 * The arrival count over ALL scheduler instances, per counting interval, for the rate detector. Under load FC
 * runs several instances and each sees only its share of the requests: a detector fed one instance's count
 * would estimate a third of the rate with the load spread over three.
 *
 * Intervals are aligned on the clock (interval i covers [i * length, (i + 1) * length) ms since epoch), so every
 * instance means the same thing by "interval i". When an interval closes each instance publishes its own count
 * for it to the state store (StateStore.publishCount: once per instance, so a retried publish does not count
 * twice); a grace period later it reads the interval's total, by which time the other instances have
 * published theirs. An instance that stops publishing (scaled in, crashed) simply adds nothing any more.
 * Intervals nobody published to are skipped rather than read as zero: no instance was running to serve anything
 * then (a scale-to-zero gap, or a restart), and a run of zeros would look like a collapse of the rate.
 */
import { randomBytes } from 'node:crypto';
import { EngineError } from '../../../shared/core/errors.js';
import { COUNT_SLOTS, type IntervalCount, type StateStore } from '../store/state-store.js';

/** How recent (in intervals) restored detector state must be for this instance to catch up from it. */
const RESUME_WITHIN = COUNT_SLOTS / 4;

export interface SharedArrivalsOptions {
  readonly store: StateStore;
  readonly intervalMs: number;
  /** How long after an interval closes its total is read, so that late publishers are counted. */
  readonly graceMs: number;
  /** This instance's publisher id; default a random one per process. */
  readonly publisher?: string;
  /** The store failed (publish or read); reported once until it works again. */
  readonly onStoreError?: (error: EngineError, action: string) => void;
}

export interface ObservedInterval {
  readonly interval: number;
  /** The interval's end (ms since epoch). */
  readonly endMs: number;
  readonly count: IntervalCount;
}

export class SharedArrivals {
  readonly publisher: string;
  private next: number | undefined;
  private failing = false;

  constructor(private readonly options: SharedArrivalsOptions) {
    this.publisher = options.publisher ?? randomBytes(6).toString('hex');
  }

  /** The interval that contains `nowMs`. */
  intervalAt(nowMs: number): number {
    return Math.floor(nowMs / this.options.intervalMs);
  }

  /** The last interval observed (fed to the detector), if any. */
  get lastObserved(): number | undefined {
    return this.next === undefined ? undefined : this.next - 1;
  }

  /**
   * Goes on after `interval`, which restored detector state had seen. Running instances save that state every
   * few intervals, so an older one means none has run since: there is nothing to catch up on, and this instance
   * starts with the first interval it counts itself.
   */
  resumeAfter(interval: number | undefined, nowMs: number): void {
    if (interval !== undefined && interval >= this.intervalAt(nowMs) - RESUME_WITHIN) this.next = interval + 1;
  }

  /** Publishes this instance's count of a closed interval. Never throws: a failure only loses this share. */
  async publish(interval: number, count: number, nowMs: number): Promise<void> {
    // The first interval this instance counts is where it starts observing, unless restored state says otherwise.
    this.next ??= interval;
    try {
      await this.options.store.publishCount('arrivals', interval, this.publisher, count, nowMs);
      this.failing = false;
    } catch (error) {
      this.report(error, `publish the arrivals of interval ${interval}`);
    }
  }

  /**
   * The totals of the intervals that closed at least graceMs ago and were not observed yet, oldest first. It
   * stops at an interval the store cannot give now (it is tried again next time), and skips ahead past
   * intervals the store no longer keeps.
   */
  async ready(nowMs: number): Promise<ObservedInterval[]> {
    const { intervalMs, graceMs, store } = this.options;
    const lastReady = Math.floor((nowMs - graceMs) / intervalMs) - 1;
    if (this.next === undefined || this.next > lastReady) return [];
    // Leave a slot of margin: the oldest kept slot may be taken over by a publisher at any moment.
    this.next = Math.max(this.next, lastReady - (COUNT_SLOTS - 2));
    const observed: ObservedInterval[] = [];
    while (this.next <= lastReady) {
      let count: IntervalCount | undefined;
      try {
        count = await store.readCount('arrivals', this.next);
      } catch (error) {
        this.report(error, `read the arrivals of interval ${this.next}`);
        break;
      }
      this.failing = false;
      if (count) observed.push({ interval: this.next, endMs: (this.next + 1) * intervalMs, count });
      this.next += 1;
    }
    return observed;
  }

  private report(error: unknown, action: string): void {
    if (this.failing) return;
    this.failing = true;
    const engineError = error instanceof EngineError ? error : new EngineError('store_unavailable', String((error as Error)?.message ?? error));
    this.options.onStoreError?.(engineError, action);
  }
}
