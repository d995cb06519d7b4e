/**
 * Where the scheduler keeps what must outlive a process and be shared by several instances: the plan, the
 * detectors' state, the fitted profiles, the runtime config. Locally an embedded file store; in the cloud
 * Tablestore. Every write is a compare-and-swap on a per-key version, so concurrent schedulers never lose an
 * update: the loser gets a `conflict` EngineError, re-reads and retries.
 */

/** The records the scheduler keeps. */
export type StateKey = 'plan' | 'detectors' | 'profiles' | 'config';

export interface VersionedRecord {
  /** 1 for the first write, +1 for each later one. */
  readonly version: number;
  /** A JSON document (each record stays well under Tablestore's 2 MB attribute limit). */
  readonly value: string;
  /** Writer's clock when written (ms since epoch). */
  readonly updatedAtMs: number;
}

export interface StateStore {
  /** The current record, or undefined when the key was never written. */
  get(key: StateKey): Promise<VersionedRecord | undefined>;
  /**
   * Writes `value` if the stored version equals `expectedVersion` (0: the key must not exist yet) and resolves
   * to the new version. Throws EngineError `conflict` when another writer got there first, and
   * `store_unavailable` when the store cannot be reached.
   */
  compareAndSwap(key: StateKey, expectedVersion: number, value: string, nowMs: number): Promise<number>;
  /** Releases connections or file handles. */
  close(): Promise<void>;
}
