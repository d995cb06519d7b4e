import { describe, expect, it } from 'vitest';
import { StateSync, type RemoteState } from '../../../functions/scheduler/planning/state-sync.js';
import { MemoryStateStore, createMemoryBacking } from '../../../functions/scheduler/store/memory-store.js';
import type { StateStore } from '../../../functions/scheduler/store/state-store.js';
import { EngineError } from '../../../shared/core/errors.js';

function instance(store: StateStore) {
  const adopted: RemoteState[] = [];
  const errors: string[] = [];
  const sync = new StateSync(store, () => 1, { adopt: (state) => adopted.push(state), storeError: (error) => errors.push(error.code) });
  return { sync, adopted, errors };
}

/** A store that can be switched off, standing for Tablestore being unreachable. */
class SwitchableStore extends MemoryStateStore {
  down = false;
  override async get(...args: Parameters<MemoryStateStore['get']>) {
    if (this.down) throw new EngineError('store_unavailable', 'down');
    return super.get(...args);
  }
  override async compareAndSwap(...args: Parameters<MemoryStateStore['compareAndSwap']>) {
    if (this.down) throw new EngineError('store_unavailable', 'down');
    return super.compareAndSwap(...args);
  }
}

describe('StateSync', () => {
  it('writes with compare-and-swap and reads back at start-up', async () => {
    const backing = createMemoryBacking();
    const a = instance(new MemoryStateStore(backing));
    await a.sync.save('plan', { n: 1 });
    await a.sync.save('plan', { n: 2 });
    expect(a.sync.version('plan')).toBe(2);
    const restarted = instance(new MemoryStateStore(backing));
    expect(await restarted.sync.load(['plan', 'profiles'])).toEqual({ plan: { n: 2 } });
    expect(restarted.sync.version('plan')).toBe(2);
  });

  it('adopts a plan another instance wrote first instead of overwriting it', async () => {
    const backing = createMemoryBacking();
    const a = instance(new MemoryStateStore(backing));
    const b = instance(new MemoryStateStore(backing));
    await a.sync.save('plan', { from: 'a' });
    await b.sync.save('plan', { from: 'b' }); // b has not read a's plan: conflict, b adopts a's
    expect(b.adopted).toEqual([{ key: 'plan', version: 1, value: { from: 'a' } }]);
    expect(JSON.parse(backing.get('plan')!.value)).toEqual({ from: 'a' });
    await b.sync.save('plan', { from: 'b, after reading a' });
    expect(backing.get('plan')!.version).toBe(2);
    await a.sync.poll();
    expect(a.adopted.at(-1)).toEqual({ key: 'plan', version: 2, value: { from: 'b, after reading a' } });
  });

  it('keeps writes pending while the store is down and catches up after', async () => {
    const store = new SwitchableStore();
    const a = instance(store);
    store.down = true;
    await a.sync.save('plan', { n: 1 });
    await a.sync.save('profiles', { p: 1 });
    expect(a.errors).toContain('store_unavailable');
    expect(a.sync.pending).toBe(2);
    store.down = false;
    await a.sync.flush();
    expect(a.sync.pending).toBe(0);
    expect(JSON.parse((await store.get('plan'))!.value)).toEqual({ n: 1 });
    expect(JSON.parse((await store.get('profiles'))!.value)).toEqual({ p: 1 });
  });

  it('loses no profile update when two instances write in turn', async () => {
    const backing = createMemoryBacking();
    const a = instance(new MemoryStateStore(backing));
    const b = instance(new MemoryStateStore(backing));
    await a.sync.save('profiles', { by: 'a' });
    await b.sync.save('profiles', { by: 'b' }); // conflict: b re-reads the version, its write stays pending
    expect(b.sync.pending).toBe(1);
    await b.sync.flush();
    expect(backing.get('profiles')).toMatchObject({ version: 2 });
    expect(JSON.parse(backing.get('profiles')!.value)).toEqual({ by: 'b' });
  });

  it('proposes a plan: written when no other instance wrote first, else the other plan is adopted; kept while the store is down', async () => {
    const backing = createMemoryBacking();
    const store = new SwitchableStore(backing);
    const a = instance(store);
    const b = instance(new MemoryStateStore(backing));
    expect(await a.sync.propose({ from: 'a' })).toBe('won');
    expect(await b.sync.propose({ from: 'b' })).toBe('lost');
    expect(b.adopted).toEqual([{ key: 'plan', version: 1, value: { from: 'a' } }]);
    expect(await b.sync.propose({ from: 'b, after adopting' })).toBe('won');
    store.down = true;
    expect(await a.sync.propose({ from: 'a, offline' })).toBe('offline');
    expect(a.sync.pending).toBe(1);
    store.down = false;
    await a.sync.flush(); // a's pending plan was decided against version 1: b's version 2 wins, a adopts it
    expect(a.adopted.at(-1)).toEqual({ key: 'plan', version: 2, value: { from: 'b, after adopting' } });
    expect(backing.get('plan')!.version).toBe(2);
  });
});
