import { describe, expect, it } from 'vitest';
import { SharedArrivals } from '../../../functions/scheduler/planning/shared-arrivals.js';
import { MemoryStateStore, createMemoryBacking } from '../../../functions/scheduler/store/memory-store.js';
import { COUNT_SLOTS } from '../../../functions/scheduler/store/state-store.js';
import { EngineError } from '../../../shared/core/errors.js';

const INTERVAL_MS = 1000;
const GRACE_MS = 300;
const T0 = 1_700_000_000_000; // an interval boundary

function instance(store: MemoryStateStore, publisher: string, errors: string[] = []) {
  return new SharedArrivals({ store, intervalMs: INTERVAL_MS, graceMs: GRACE_MS, publisher, onStoreError: (error, action) => errors.push(`${error.code} ${action}`) });
}

/** A store that can be switched off, standing for Tablestore being unreachable. */
class SwitchableStore extends MemoryStateStore {
  down = false;
  override async publishCount(...args: Parameters<MemoryStateStore['publishCount']>) {
    if (this.down) throw new EngineError('store_unavailable', 'down');
    return super.publishCount(...args);
  }
  override async readCount(...args: Parameters<MemoryStateStore['readCount']>) {
    if (this.down) throw new EngineError('store_unavailable', 'down');
    return super.readCount(...args);
  }
}

describe('SharedArrivals', () => {
  it('reads the total over the instances once the grace period has passed, each interval once, in order', async () => {
    const backing = createMemoryBacking();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => instance(new MemoryStateStore(backing), id));
    const first = a!.intervalAt(T0);
    for (let i = 0; i < 3; i++) {
      await a!.publish(first + i, 10, T0);
      await b!.publish(first + i, 12, T0);
      await c!.publish(first + i, 8 + i, T0);
    }
    // Interval `first` ends at T0 + 1 s: not ready before its grace period is over.
    expect(await a!.ready(T0 + INTERVAL_MS + GRACE_MS - 1)).toEqual([]);
    const ready = await a!.ready(T0 + 2 * INTERVAL_MS + GRACE_MS);
    expect(ready).toEqual([
      { interval: first, endMs: T0 + INTERVAL_MS, count: { total: 30, publishers: 3 } },
      { interval: first + 1, endMs: T0 + 2 * INTERVAL_MS, count: { total: 31, publishers: 3 } },
    ]);
    expect(await a!.ready(T0 + 2 * INTERVAL_MS + GRACE_MS)).toEqual([]);
    expect(a!.lastObserved).toBe(first + 1);
  });

  it('leaves out instances that stopped publishing, and skips intervals nobody published to', async () => {
    const backing = createMemoryBacking();
    const [a, b] = ['a', 'b'].map((id) => instance(new MemoryStateStore(backing), id));
    const first = a!.intervalAt(T0);
    await a!.publish(first, 5, T0);
    await b!.publish(first, 5, T0);
    await a!.publish(first + 1, 6, T0); // b has stopped
    // first + 2: nobody published (no instance ran); first + 3: a is back.
    await a!.publish(first + 3, 7, T0);
    const ready = await a!.ready(T0 + 4 * INTERVAL_MS + GRACE_MS);
    expect(ready.map((observed) => [observed.interval - first, observed.count.total, observed.count.publishers])).toEqual([
      [0, 10, 2],
      [1, 6, 1],
      [3, 7, 1],
    ]);
  });

  it('catches up after the store comes back, reporting the failure once', async () => {
    const store = new SwitchableStore(createMemoryBacking());
    const errors: string[] = [];
    const a = instance(store, 'a', errors);
    const first = a.intervalAt(T0);
    await a.publish(first, 4, T0);
    store.down = true;
    await a.publish(first + 1, 4, T0);
    expect(await a.ready(T0 + 2 * INTERVAL_MS + GRACE_MS)).toEqual([]);
    expect(await a.ready(T0 + 2 * INTERVAL_MS + GRACE_MS)).toEqual([]);
    expect(errors).toEqual([`store_unavailable publish the arrivals of interval ${first + 1}`]);
    store.down = false;
    await a.publish(first + 2, 9, T0);
    const ready = await a.ready(T0 + 3 * INTERVAL_MS + GRACE_MS);
    expect(ready.map((observed) => [observed.interval - first, observed.count.total])).toEqual([
      [0, 4],
      [2, 9],
    ]);
  });

  it('resumes after restored state only when it is recent, and never reads further back than the store keeps', async () => {
    const backing = createMemoryBacking();
    const now = T0 + 100 * INTERVAL_MS;
    const current = Math.floor(now / INTERVAL_MS);
    const recent = instance(new MemoryStateStore(backing), 'r');
    recent.resumeAfter(current - 5, now);
    expect(recent.lastObserved).toBe(current - 5);
    const stale = instance(new MemoryStateStore(backing), 's');
    stale.resumeAfter(current - COUNT_SLOTS, now);
    expect(stale.lastObserved).toBeUndefined();
    // A long outage: the next read starts within the slots the store still holds.
    const behind = instance(new MemoryStateStore(backing), 'b');
    behind.resumeAfter(current - 10, now);
    const later = now + 200 * INTERVAL_MS;
    await behind.ready(later);
    expect(behind.lastObserved).toBe(Math.floor((later - GRACE_MS) / INTERVAL_MS) - 1);
  });
});
