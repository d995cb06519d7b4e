/**
 * In-process StateStore for the simulator and tests. Several MemoryStateStore instances may share one
 * MemoryStateBacking, which stands for several scheduler instances sharing one store.
 */
import { checkCountRead, checkKey, checkPublish, checkWrite, closedStoreError, conflictError, countSlot, recycledError } from './record-checks.js';
import type { CountSeries, IntervalCount, StateKey, StateStore, VersionedRecord } from './state-store.js';

/** The shared data: one record per key. */
export type MemoryStateBacking = Map<StateKey, VersionedRecord>;

interface CountSlot {
  readonly interval: number;
  total: number;
  readonly publishers: Set<string>;
}

/**
 * The counts that go with a backing. Kept beside it rather than in it so that a backing stays the plain map of
 * records that tests read directly; a WeakMap lets both be collected together.
 */
const countsOf = new WeakMap<MemoryStateBacking, Map<string, CountSlot>>();

export function createMemoryBacking(): MemoryStateBacking {
  return new Map();
}

export class MemoryStateStore implements StateStore {
  private closed = false;

  constructor(private readonly records: MemoryStateBacking = createMemoryBacking()) {}

  async get(key: StateKey): Promise<VersionedRecord | undefined> {
    this.ensureOpen();
    return this.records.get(checkKey(key));
  }

  async compareAndSwap(key: StateKey, expectedVersion: number, value: string, nowMs: number): Promise<number> {
    this.ensureOpen();
    checkWrite(key, expectedVersion, value, nowMs);
    // Check and write happen in one synchronous step, so no other caller can interleave.
    const current = this.records.get(key);
    const currentVersion = current?.version ?? 0;
    if (currentVersion !== expectedVersion) throw conflictError(key, expectedVersion, current?.version);
    const version = expectedVersion + 1;
    this.records.set(key, { version, value, updatedAtMs: nowMs });
    return version;
  }

  async publishCount(series: CountSeries, interval: number, publisher: string, count: number, nowMs: number): Promise<IntervalCount> {
    this.ensureOpen();
    checkPublish(series, interval, publisher, count, nowMs);
    const slots = this.counts();
    const id = `${series}/${countSlot(interval)}`;
    let slot = slots.get(id);
    if (slot && slot.interval > interval) throw recycledError(series, interval, slot.interval);
    if (!slot || slot.interval < interval) {
      slot = { interval, total: 0, publishers: new Set() };
      slots.set(id, slot);
    }
    if (!slot.publishers.has(publisher)) {
      slot.publishers.add(publisher);
      slot.total += count;
    }
    return { total: slot.total, publishers: slot.publishers.size };
  }

  async readCount(series: CountSeries, interval: number): Promise<IntervalCount | undefined> {
    this.ensureOpen();
    checkCountRead(series, interval);
    const slot = this.counts().get(`${series}/${countSlot(interval)}`);
    return slot?.interval === interval ? { total: slot.total, publishers: slot.publishers.size } : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private counts(): Map<string, CountSlot> {
    let counts = countsOf.get(this.records);
    if (!counts) {
      counts = new Map();
      countsOf.set(this.records, counts);
    }
    return counts;
  }

  private ensureOpen(): void {
    if (this.closed) throw closedStoreError('memory');
  }
}
