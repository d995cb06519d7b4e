import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileStateStore } from '../../functions/scheduler/store/file-store.js';
import { expectEngineError, runStateStoreContract } from './state-store.contract.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'edgebatch-file-store-'));
}

runStateStoreContract('file store', async () => {
  const dir = await tempDir();
  return { open: () => openFileStateStore({ dir }), dispose: () => rm(dir, { recursive: true, force: true }) };
});

describe('file store specifics', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function dir(): Promise<string> {
    const created = await tempDir();
    dirs.push(created);
    return created;
  }
  /** A pid that certainly no longer runs: a child that has exited. */
  function deadPid(): number {
    return spawnSync(process.execPath, ['-e', '']).pid as number;
  }

  it('survives a restart: a new store on the same directory reads and continues the versions', async () => {
    const path = await dir();
    const first = await openFileStateStore({ dir: path });
    await first.compareAndSwap('plan', 0, '{"n":1}', 10);
    await first.compareAndSwap('plan', 1, '{"n":2}', 20);
    await first.close();
    const restarted = await openFileStateStore({ dir: path });
    expect(await restarted.get('plan')).toEqual({ version: 2, value: '{"n":2}', updatedAtMs: 20 });
    expect(await restarted.compareAndSwap('plan', 2, '{"n":3}', 30)).toBe(3);
    expect(JSON.parse(await readFile(join(path, 'plan.json'), 'utf8'))).toEqual({ version: 3, value: '{"n":3}', updatedAtMs: 30 });
  });

  it('leaves neither temporary nor lock files after writes', async () => {
    const path = await dir();
    const store = await openFileStateStore({ dir: path });
    await store.compareAndSwap('config', 0, '"a"', 1);
    await store.compareAndSwap('config', 1, '"b"', 2);
    expect(await readdir(path)).toEqual(['config.json']);
  });

  it('breaks a lock left by a dead process on this host', async () => {
    const path = await dir();
    await writeFile(join(path, 'plan.lock'), JSON.stringify({ host: hostname(), pid: deadPid(), token: 'dead' }));
    const store = await openFileStateStore({ dir: path, lockTimeoutMs: 60_000 });
    expect(await store.compareAndSwap('plan', 0, '"after crash"', 1)).toBe(1);
    expect(await readdir(path)).toEqual(['plan.json']);
  });

  it('breaks a lock older than staleLockMs even if its owner still runs', async () => {
    const path = await dir();
    const lock = join(path, 'plan.lock');
    await writeFile(lock, JSON.stringify({ host: hostname(), pid: process.pid, token: 'hung' }));
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const store = await openFileStateStore({ dir: path, staleLockMs: 30_000, lockTimeoutMs: 60_000 });
    expect(await store.compareAndSwap('plan', 0, '"taken over"', 1)).toBe(1);
  });

  it('gives up with store_unavailable while a live writer holds the lock', async () => {
    const path = await dir();
    await writeFile(join(path, 'plan.lock'), JSON.stringify({ host: hostname(), pid: process.pid, token: 'live' }));
    const store = await openFileStateStore({ dir: path, lockTimeoutMs: 30 });
    const err = await expectEngineError(store.compareAndSwap('plan', 0, '"blocked"', 1), 'store_unavailable');
    expect(err.message).toContain('plan.lock');
    expect(await store.get('plan')).toBeUndefined();
  });

  it('removes temporary files of writers that died before their rename', async () => {
    const path = await dir();
    const orphan = `plan.json.${deadPid()}.abcdef.tmp`;
    await writeFile(join(path, orphan), '{"half":');
    await openFileStateStore({ dir: path });
    expect(await readdir(path)).toEqual([]);
  });

  it('reports a corrupt record as store_unavailable naming the file', async () => {
    const path = await dir();
    await writeFile(join(path, 'plan.json'), '{"version": 1, "value": ');
    const store = await openFileStateStore({ dir: path });
    const err = await expectEngineError(store.get('plan'), 'store_unavailable');
    expect(err.message).toContain('plan.json');
  });

  it('validates its options', async () => {
    await expectEngineError(openFileStateStore({ dir: '' }), 'invalid_input');
    await expectEngineError(openFileStateStore({ dir: await dir(), lockTimeoutMs: -1 }), 'invalid_input');
  });
});
