/**
 * Where the scheduler keeps what must outlive a process and be shared by several instances: the plan, the
 * detectors' state, the fitted profiles, the runtime config. Locally an embedded file store; in the cloud
 * Tablestore. Every write is a compare-and-swap on a per-key version, so concurrent schedulers never lose an
 * update: the loser gets a `conflict` EngineError, re-reads and retries.
 *
 * Beside the records, per-interval counts that every instance adds its share to (its arrivals in one counting
 * interval), so that each instance can read the total over all instances: under load FC runs several
 * instances, and each one alone sees only its share of the traffic.
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

/** The per-interval counts the instances publish to. */
export type CountSeries = 'arrivals';

/** One interval's count over the instances that published to it. */
export interface IntervalCount {
  /** The sum of the published counts. */
  readonly total: number;
  /** How many publishers published (each counts once per interval). */
  readonly publishers: number;
}

/**
 * Intervals a store keeps per series: interval i lives in slot i mod COUNT_SLOTS until a later interval of the
 * same slot replaces it, so a store holds a bounded number of count rows or files however long it runs.
 */
export const COUNT_SLOTS = 64;

export interface StateStore {
  /** The current record, or undefined when the key was never written. */
  get(key: StateKey): Promise<VersionedRecord | undefined>;
  /**
   * Writes `value` if the stored version equals `expectedVersion` (0: the key must not exist yet) and resolves
   * to the new version. Throws EngineError `conflict` when another writer got there first, and
   * `store_unavailable` when the store cannot be reached.
   */
  compareAndSwap(key: StateKey, expectedVersion: number, value: string, nowMs: number): Promise<number>;
  /**
   * Adds `count` to interval `interval` of `series` on behalf of `publisher`, and resolves to the interval's
   * count after it. Once per publisher and interval: a repeat adds nothing and resolves to the current count,
   * so a publish whose answer was lost can be retried safely. Throws EngineError `conflict` when the interval's
   * slot already holds a later interval (see COUNT_SLOTS), and `store_unavailable` as compareAndSwap does.
   */
  publishCount(series: CountSeries, interval: number, publisher: string, count: number, nowMs: number): Promise<IntervalCount>;
  /** The interval's count; undefined when nobody published to it or its slot has moved on to a later interval. */
  readCount(series: CountSeries, interval: number): Promise<IntervalCount | undefined>;
  /** Releases connections or file handles. */
  close(): Promise<void>;
}
