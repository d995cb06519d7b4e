/**
 * In-process StateStore for the simulator and tests. Several MemoryStateStore instances may share one
 * MemoryStateBacking, which stands for several scheduler instances sharing one store.
 */
import { checkKey, checkWrite, closedStoreError, conflictError } from './record-checks.js';
import type { StateKey, StateStore, VersionedRecord } from './state-store.js';

/** The shared data: one record per key. */
export type MemoryStateBacking = Map<StateKey, VersionedRecord>;

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

  async close(): Promise<void> {
    this.closed = true;
  }

  private ensureOpen(): void {
    if (this.closed) throw closedStoreError('memory');
  }
}
