/**
 * Keeps the scheduler's durable state (plan, detector state, profiles) in the StateStore, shared by every
 * scheduler instance:
 * - every write is a compare-and-swap on the version this instance last saw, so no instance overwrites a record
 *   it has not read;
 * - a plan written by another instance first wins: this instance adopts it (with the detector state written
 *   beside it) instead of overwriting it;
 * - a new plan is proposed before it is used (`propose`): the compare-and-swap decides which instance's plan
 *   the deployment takes, so instances that decide to re-plan at the same moment make one re-plan, not several;
 * - when the store is unreachable the scheduler keeps serving on what it has, and the latest value of each
 *   record is written when the store comes back (`flush` is called periodically).
 */
import { EngineError } from '../../../shared/core/errors.js';
import type { StateKey, StateStore } from '../store/state-store.js';

export interface RemoteState {
  readonly key: StateKey;
  readonly version: number;
  readonly value: unknown;
}

export interface StateSyncEvents {
  /** Another instance wrote a newer record (plan or detectors): adopt it. */
  adopt(state: RemoteState): void;
  /** The store failed; the write stays pending. */
  storeError(error: EngineError, action: string): void;
}

/** How a proposed plan fared: written, beaten by another instance's plan (now adopted), or the store is down. */
export type ProposalOutcome = 'won' | 'lost' | 'offline';

export class StateSync {
  private readonly versions = new Map<StateKey, number>();
  private readonly pendingWrites = new Map<StateKey, string>();
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
    private readonly events: StateSyncEvents,
  ) {}

  /** Reads every record at start-up; missing ones are undefined. Throws store_unavailable if the store is down. */
  async load(keys: readonly StateKey[]): Promise<Partial<Record<StateKey, unknown>>> {
    const loaded: Partial<Record<StateKey, unknown>> = {};
    for (const key of keys) {
      const record = await this.store.get(key);
      if (!record) continue;
      this.versions.set(key, record.version);
      loaded[key] = JSON.parse(record.value);
    }
    return loaded;
  }

  /** The version of a record as this instance last saw it (0: never). */
  version(key: StateKey): number {
    return this.versions.get(key) ?? 0;
  }

  /** Queues the latest value of a record and tries to write it now. */
  async save(key: StateKey, value: unknown): Promise<void> {
    this.pendingWrites.set(key, JSON.stringify(value));
    await this.flush();
  }

  /**
   * Writes a new plan over the version this instance holds. 'lost': another instance wrote first, and its plan
   * has been adopted (events.adopt) instead. 'offline': the store is down; the plan stays pending and is written
   * (or loses to another) when the store is back.
   */
  async propose(plan: unknown): Promise<ProposalOutcome> {
    // One writer per instance at a time: a flush in flight would otherwise race our own proposal.
    await this.flushing;
    const value = JSON.stringify(plan);
    try {
      const version = await this.store.compareAndSwap('plan', this.version('plan'), value, this.now());
      this.versions.set('plan', version);
      this.pendingWrites.delete('plan');
      return 'won';
    } catch (error) {
      if (error instanceof EngineError && error.code === 'conflict') {
        this.pendingWrites.delete('plan');
        await this.resolveConflict('plan').catch((readError: unknown) => this.events.storeError(asStoreError(readError), 'read plan'));
        return 'lost';
      }
      this.pendingWrites.set('plan', value);
      this.events.storeError(asStoreError(error), 'write plan');
      return 'offline';
    }
  }

  get pending(): number {
    return this.pendingWrites.size;
  }

  /** Writes what is pending; one flush at a time. Never throws: failures stay pending and are reported. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    // The plan goes first: the detector state written beside it describes the same moment.
    const order: StateKey[] = ['plan', 'detectors', 'profiles', 'config'];
    for (const key of order) {
      const value = this.pendingWrites.get(key);
      if (value === undefined) continue;
      try {
        const version = await this.store.compareAndSwap(key, this.version(key), value, this.now());
        this.versions.set(key, version);
        if (this.pendingWrites.get(key) === value) this.pendingWrites.delete(key);
      } catch (error) {
        if (error instanceof EngineError && error.code === 'conflict') {
          await this.resolveConflict(key);
        } else {
          this.events.storeError(asStoreError(error), `write ${key}`);
          return; // the store is down: keep everything pending for the next flush
        }
      }
    }
  }

  /**
   * Another instance wrote this record since we read it. A plan or detector state: theirs wins and we adopt it
   * (and drop our write). Profiles and config: ours are merged-by-replacement on top of what we now know, at the
   * next flush (our write stays pending, now against their version).
   */
  private async resolveConflict(key: StateKey): Promise<void> {
    const record = await this.store.get(key);
    if (!record) return;
    this.versions.set(key, record.version);
    if (key === 'plan' || key === 'detectors') {
      this.pendingWrites.delete(key);
      if (key === 'plan') this.pendingWrites.delete('detectors');
      this.events.adopt({ key, version: record.version, value: JSON.parse(record.value) });
    }
  }

  /** Looks for records other instances wrote since we last looked, and adopts newer plans and detector state. */
  async poll(): Promise<void> {
    try {
      for (const key of ['plan', 'detectors'] as const) {
        if (this.pendingWrites.has(key)) continue; // ours is newer in intent; the flush settles it
        const record = await this.store.get(key);
        if (record && record.version > this.version(key)) {
          this.versions.set(key, record.version);
          this.events.adopt({ key, version: record.version, value: JSON.parse(record.value) });
        }
      }
    } catch (error) {
      this.events.storeError(asStoreError(error), 'poll');
    }
  }
}

function asStoreError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  return new EngineError('store_unavailable', `State store failed: ${(error as Error)?.message ?? String(error)}`);
}
