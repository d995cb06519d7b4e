/** The read-modify-CAS loop the contract and the multi-process workers share (no vitest import: workers use it). */
import { EngineError } from '../../../shared/core/errors.js';
import type { StateKey, StateStore } from '../../../functions/scheduler/store/state-store.js';

/** Adds `amount` to a JSON counter `{count}`, one CAS per unit, re-reading and retrying on conflict. Returns the conflicts met. */
export async function addWithRetries(store: StateStore, key: StateKey, amount: number, nowMs: number): Promise<number> {
  let conflicts = 0;
  for (let done = 0; done < amount; ) {
    const current = await store.get(key);
    const count = current ? (JSON.parse(current.value) as { count: number }).count : 0;
    try {
      await store.compareAndSwap(key, current?.version ?? 0, JSON.stringify({ count: count + 1 }), nowMs);
      done++;
    } catch (err) {
      if (!(err instanceof EngineError) || err.code !== 'conflict') throw err;
      conflicts++;
    }
  }
  return conflicts;
}
