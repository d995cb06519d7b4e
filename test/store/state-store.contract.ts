/**
 * The one contract every StateStore implementation runs (hono's router contract style): memory, file, and
 * Tablestore through the real SDK against the wire-level stand-in (and a live instance when configured).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/core/errors.js';
import { createRandom } from '../../shared/core/random.js';
import { MAX_VALUE_BYTES, STATE_KEYS } from '../../functions/scheduler/store/record-checks.js';
import { COUNT_SLOTS, type CountSeries, type StateKey, type StateStore } from '../../functions/scheduler/store/state-store.js';
import { addWithRetries } from './support/counter.js';

export { addWithRetries };

/** A fresh, empty backing store; `open` gives another handle onto the same data (another scheduler instance). */
export interface StoreUnderTest {
  open(): Promise<StateStore>;
  dispose?(): Promise<void>;
}

/** Rejects with an EngineError of this code (and the matching status). */
export async function expectEngineError(promise: Promise<unknown>, code: EngineError['code']): Promise<EngineError> {
  const err = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(err).toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe(code);
  return err as EngineError;
}

/** A deterministic string of about `bytes` UTF-8 bytes mixing 1-, 2-, 3- and 4-byte characters. */
function mixedText(bytes: number, seed: number): string {
  const random = createRandom(seed);
  const alphabet = ['a', 'Z', '{', '"', '\\', '\n', 'é', 'ß', 'Ω', '中', '文', '→', '😀', '🚀'];
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const piece = alphabet[random.int(alphabet.length)];
    parts.push(piece);
    size += Buffer.byteLength(piece);
  }
  return parts.join('');
}

export function runStateStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`StateStore contract: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];

    afterEach(async () => {
      while (cleanups.length > 0) await cleanups.pop()?.();
    });

    async function fresh(): Promise<{ backing: StoreUnderTest; store: StateStore }> {
      const backing = await makeStore();
      if (backing.dispose) cleanups.push(() => backing.dispose?.() ?? Promise.resolve());
      const store = await open(backing);
      return { backing, store };
    }

    async function open(backing: StoreUnderTest): Promise<StateStore> {
      const store = await backing.open();
      cleanups.push(() => store.close());
      return store;
    }

    it('answers undefined for keys never written', async () => {
      const { store } = await fresh();
      for (const key of STATE_KEYS) expect(await store.get(key)).toBeUndefined();
    });

    it('creates a record with expectedVersion 0 and reads it back', async () => {
      const { store } = await fresh();
      expect(await store.compareAndSwap('plan', 0, '{"edge":{"batch":20}}', 1_700_000_000_123)).toBe(1);
      expect(await store.get('plan')).toEqual({ version: 1, value: '{"edge":{"batch":20}}', updatedAtMs: 1_700_000_000_123 });
    });

    it('increments the version on each successful compare-and-swap', async () => {
      const { store } = await fresh();
      await store.compareAndSwap('detectors', 0, '"a"', 1000);
      expect(await store.compareAndSwap('detectors', 1, '"b"', 2000)).toBe(2);
      expect(await store.compareAndSwap('detectors', 2, '"c"', 3000)).toBe(3);
      expect(await store.get('detectors')).toEqual({ version: 3, value: '"c"', updatedAtMs: 3000 });
    });

    it('refuses stale, premature and duplicate-create writes with conflict and leaves the record alone', async () => {
      const { store } = await fresh();
      await store.compareAndSwap('plan', 0, '"v1"', 1000);
      await store.compareAndSwap('plan', 1, '"v2"', 2000);
      const stale = await expectEngineError(store.compareAndSwap('plan', 1, '"stale"', 3000), 'conflict');
      expect(stale.message).toContain('plan');
      await expectEngineError(store.compareAndSwap('plan', 0, '"recreate"', 3000), 'conflict');
      await expectEngineError(store.compareAndSwap('plan', 7, '"ahead"', 3000), 'conflict');
      await expectEngineError(store.compareAndSwap('profiles', 1, '"never created"', 3000), 'conflict');
      expect(await store.get('plan')).toEqual({ version: 2, value: '"v2"', updatedAtMs: 2000 });
      expect(await store.get('profiles')).toBeUndefined();
    });

    it('keeps keys independent', async () => {
      const { store } = await fresh();
      await store.compareAndSwap('plan', 0, '"plan"', 1);
      await store.compareAndSwap('config', 0, '"config"', 2);
      await store.compareAndSwap('config', 1, '"config 2"', 3);
      expect(await store.get('plan')).toEqual({ version: 1, value: '"plan"', updatedAtMs: 1 });
      expect(await store.get('config')).toEqual({ version: 2, value: '"config 2"', updatedAtMs: 3 });
    });

    it('round-trips unicode exactly', async () => {
      const { store } = await fresh();
      const value = JSON.stringify({
        text: 'naïve café — 中文 — العربية — עברית — 🎉👩‍👩‍👧 — e\u0301 — \u0000\u0001\t"quoted" \\ back',
        empty: '',
      });
      await store.compareAndSwap('profiles', 0, value, 5);
      expect((await store.get('profiles'))?.value).toBe(value);
      await store.compareAndSwap('config', 0, '', 5);
      expect((await store.get('config'))?.value).toBe('');
    });

    it('round-trips a 1 MB value and refuses one over the 2 MB limit', async () => {
      const { store } = await fresh();
      const big = mixedText(1024 * 1024, 42);
      expect(Buffer.byteLength(big)).toBeGreaterThanOrEqual(1024 * 1024);
      await store.compareAndSwap('profiles', 0, big, 7);
      expect((await store.get('profiles'))?.value).toBe(big);
      const tooBig = 'x'.repeat(MAX_VALUE_BYTES + 1);
      const err = await expectEngineError(store.compareAndSwap('profiles', 1, tooBig, 8), 'payload_too_large');
      expect(err.message).toContain(String(MAX_VALUE_BYTES));
      expect((await store.get('profiles'))?.version).toBe(1);
    });

    it('rejects bad input as an internal fault (the scheduler computes them)', async () => {
      const { store } = await fresh();
      await expectEngineError(store.get('nonsense' as StateKey), 'internal');
      await expectEngineError(store.compareAndSwap('plan', -1, '"x"', 1), 'internal');
      await expectEngineError(store.compareAndSwap('plan', 1.5, '"x"', 1), 'internal');
      await expectEngineError(store.compareAndSwap('plan', 0, { not: 'a string' } as unknown as string, 1), 'internal');
      await expectEngineError(store.compareAndSwap('plan', 0, '"x"', Number.NaN), 'internal');
      expect(await store.get('plan')).toBeUndefined();
    });

    it('shows one handle the writes of another', async () => {
      const { backing, store } = await fresh();
      const other = await open(backing);
      await store.compareAndSwap('plan', 0, '"from a"', 10);
      expect(await other.get('plan')).toEqual({ version: 1, value: '"from a"', updatedAtMs: 10 });
      await other.compareAndSwap('plan', 1, '"from b"', 20);
      expect(await store.get('plan')).toEqual({ version: 2, value: '"from b"', updatedAtMs: 20 });
    });

    it('lets exactly one of several concurrent writers win each version', async () => {
      const { backing, store } = await fresh();
      await store.compareAndSwap('plan', 0, '"start"', 1);
      const writers = await Promise.all(Array.from({ length: 5 }, () => open(backing)));
      const outcomes = await Promise.allSettled(writers.map((writer, i) => writer.compareAndSwap('plan', 1, `"writer ${i}"`, 100 + i)));
      const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(outcomes[winners[0]]).toEqual({ status: 'fulfilled', value: 2 });
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect((outcome.reason as EngineError).code).toBe('conflict');
      }
      expect(await store.get('plan')).toEqual({ version: 2, value: `"writer ${winners[0]}"`, updatedAtMs: 100 + winners[0] });
    });

    it('loses no increment when three writers add 50 each with read-CAS-retry', async () => {
      const { backing } = await fresh();
      const writers = await Promise.all([open(backing), open(backing), open(backing)]);
      await Promise.all(writers.map((writer) => addWithRetries(writer, 'detectors', 50, 1)));
      const final = await writers[0].get('detectors');
      expect(JSON.parse(final?.value ?? '{}')).toEqual({ count: 150 });
      expect(final?.version).toBe(150);
    });

    it('refuses use after close with store_unavailable; other handles carry on', async () => {
      const { backing, store } = await fresh();
      const other = await open(backing);
      await store.compareAndSwap('config', 0, '"c"', 1);
      await store.close();
      await store.close();
      await expectEngineError(store.get('config'), 'store_unavailable');
      await expectEngineError(store.compareAndSwap('config', 1, '"d"', 2), 'store_unavailable');
      await expectEngineError(store.publishCount('arrivals', 5, 'a', 1, 1), 'store_unavailable');
      await expectEngineError(store.readCount('arrivals', 5), 'store_unavailable');
      expect((await other.get('config'))?.value).toBe('"c"');
    });

    describe('per-interval counts', () => {
      // Epoch-sized interval numbers, as the scheduler uses (ms since epoch / interval length).
      const T = 1_700_000_000;

      it('reads no count for an interval nobody published to', async () => {
        const { store } = await fresh();
        expect(await store.readCount('arrivals', T)).toBeUndefined();
      });

      it('sums the publishers of an interval, each one once: a repeat adds nothing', async () => {
        const { store } = await fresh();
        expect(await store.publishCount('arrivals', T, 'a', 5, 1)).toEqual({ total: 5, publishers: 1 });
        expect(await store.publishCount('arrivals', T, 'b', 7, 2)).toEqual({ total: 12, publishers: 2 });
        // A retry after a lost answer: it must not count twice, whatever it says.
        expect(await store.publishCount('arrivals', T, 'a', 5, 3)).toEqual({ total: 12, publishers: 2 });
        expect(await store.publishCount('arrivals', T, 'c', 0, 4)).toEqual({ total: 12, publishers: 3 });
        expect(await store.readCount('arrivals', T)).toEqual({ total: 12, publishers: 3 });
      });

      it('keeps intervals apart and shows one handle what another published', async () => {
        const { backing, store } = await fresh();
        const other = await open(backing);
        await store.publishCount('arrivals', T, 'a', 3, 1);
        await other.publishCount('arrivals', T + 1, 'b', 4, 1);
        await other.publishCount('arrivals', T, 'b', 10, 1);
        expect(await store.readCount('arrivals', T)).toEqual({ total: 13, publishers: 2 });
        expect(await store.readCount('arrivals', T + 1)).toEqual({ total: 4, publishers: 1 });
        expect(await other.readCount('arrivals', T + 2)).toBeUndefined();
      });

      it('loses no count when many publishers publish at once, also while a slot moves to a new interval', async () => {
        const { backing, store } = await fresh();
        const handles = await Promise.all(Array.from({ length: 8 }, () => open(backing)));
        const publishAll = (interval: number) =>
          Promise.all(handles.map((handle, i) => handle.publishCount('arrivals', interval, `p${i}`, i + 1, 1)));
        await publishAll(T);
        expect(await store.readCount('arrivals', T)).toEqual({ total: 36, publishers: 8 });
        // Same slot, a later interval: every publisher races to start the slot over.
        await publishAll(T + COUNT_SLOTS);
        expect(await store.readCount('arrivals', T + COUNT_SLOTS)).toEqual({ total: 36, publishers: 8 });
      });

      it(`keeps ${COUNT_SLOTS} intervals: a slot taken by a later interval drops the earlier one and refuses it`, async () => {
        const { store } = await fresh();
        await store.publishCount('arrivals', T, 'a', 2, 1);
        await store.publishCount('arrivals', T + COUNT_SLOTS - 1, 'a', 3, 1);
        expect(await store.readCount('arrivals', T)).toEqual({ total: 2, publishers: 1 });
        await store.publishCount('arrivals', T + COUNT_SLOTS, 'b', 9, 2);
        expect(await store.readCount('arrivals', T)).toBeUndefined();
        expect(await store.readCount('arrivals', T + COUNT_SLOTS)).toEqual({ total: 9, publishers: 1 });
        const late = await expectEngineError(store.publishCount('arrivals', T, 'c', 1, 3), 'conflict');
        expect(late.message).toContain(String(T + COUNT_SLOTS));
        expect(await store.readCount('arrivals', T + COUNT_SLOTS)).toEqual({ total: 9, publishers: 1 });
        expect(await store.readCount('arrivals', T + COUNT_SLOTS - 1)).toEqual({ total: 3, publishers: 1 });
      });

      it('rejects bad count input as an internal fault (the scheduler computes them)', async () => {
        const { store } = await fresh();
        const publish = (series: string, interval: number, publisher: string, count: number, nowMs = 1) =>
          store.publishCount(series as CountSeries, interval, publisher, count, nowMs);
        await expectEngineError(publish('departures', T, 'a', 1), 'internal');
        await expectEngineError(publish('arrivals', -1, 'a', 1), 'internal');
        await expectEngineError(publish('arrivals', 1.5, 'a', 1), 'internal');
        await expectEngineError(publish('arrivals', T, 'not-a-column', 1), 'internal');
        await expectEngineError(publish('arrivals', T, '', 1), 'internal');
        await expectEngineError(publish('arrivals', T, 'a', -1), 'internal');
        await expectEngineError(publish('arrivals', T, 'a', 2.5), 'internal');
        await expectEngineError(publish('arrivals', T, 'a', 1, Number.NaN), 'internal');
        await expectEngineError(store.readCount('arrivals', Number.POSITIVE_INFINITY), 'internal');
        expect(await store.readCount('arrivals', T)).toBeUndefined();
      });
    });
  });
}
