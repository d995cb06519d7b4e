/**
 * An exclusive lock between processes on one machine, held only for the few milliseconds of a compare-and-swap.
 *
 * How: the lock is a file created with O_CREAT|O_EXCL (`open(path, 'wx')`), which the kernel creates for exactly
 * one caller on a local filesystem. Its content names the owner (host, pid, a random token). Release deletes it,
 * but only if it still holds our token.
 *
 * Stale locks: a writer that dies inside its critical section leaves the file behind. A waiter treats a lock as
 * abandoned when its owner is a process on this host that no longer exists, or when it is older than
 * `staleLockMs` (the critical section takes milliseconds; the default is 10 s). To break it without removing a
 * lock someone else has just taken, the waiter renames the file to a private name (only one rename of a given
 * file succeeds), checks the renamed file is the one it judged stale, and otherwise links it back.
 *
 * Not for network filesystems (O_EXCL and rename are not reliable on old NFS) nor for clocks that jump.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { EngineError } from '../../../shared/core/errors.js';

export interface FileLockOptions {
  /** How long to wait for another holder before giving up with `store_unavailable`. */
  readonly lockTimeoutMs: number;
  /** A lock older than this is abandoned even if its owner still runs. */
  readonly staleLockMs: number;
}

interface LockOwner {
  readonly host: string;
  readonly pid: number;
  readonly token: string;
}

const HOST = hostname();

export async function withFileLock<T>(lockPath: string, options: FileLockOptions, work: () => Promise<T>): Promise<T> {
  const owner: LockOwner = { host: HOST, pid: process.pid, token: randomBytes(8).toString('hex') };
  await acquire(lockPath, owner, options);
  try {
    return await work();
  } finally {
    await release(lockPath, owner);
  }
}

async function acquire(lockPath: string, owner: LockOwner, options: FileLockOptions): Promise<void> {
  const started = Date.now();
  let backoffMs = 1;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      return;
    } catch (err) {
      if (!hasCode(err, 'EEXIST')) throw storeIoError('create the lock file', lockPath, err);
    }
    if (await breakIfStale(lockPath, options.staleLockMs)) continue;
    if (Date.now() - started > options.lockTimeoutMs) {
      throw new EngineError(
        'store_unavailable',
        `Timed out after ${options.lockTimeoutMs} ms waiting for the state lock ${lockPath} (held by another writer)`,
        undefined,
        true,
      );
    }
    // Jittered backoff: the holder needs a few ms; waiters should not wake in lockstep.
    await new Promise((resolve) => setTimeout(resolve, backoffMs * (0.5 + Math.random())));
    backoffMs = Math.min(backoffMs * 2, 25);
  }
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  const current = await readOwner(lockPath);
  // Someone judged us stale and took over: their lock is not ours to delete.
  if (current?.token !== owner.token) return;
  try {
    await unlink(lockPath);
  } catch (err) {
    if (!hasCode(err, 'ENOENT')) throw storeIoError('remove the lock file', lockPath, err);
  }
}

/** True when the lock was gone or has been broken (retry at once); false when it is live. */
async function breakIfStale(lockPath: string, staleLockMs: number): Promise<boolean> {
  let ageMs: number;
  try {
    ageMs = Date.now() - (await stat(lockPath)).mtimeMs;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return true;
    throw storeIoError('inspect the lock file', lockPath, err);
  }
  const judged = await readOwner(lockPath);
  // An empty or half-written lock file is a holder between open() and write(): judge it by age only.
  const ownerGone = judged !== undefined && judged.host === HOST && !processExists(judged.pid);
  if (!ownerGone && ageMs <= staleLockMs) return false;

  const grave = `${lockPath}.stale.${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, grave);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return true;
    throw storeIoError('break the stale lock file', lockPath, err);
  }
  const moved = await readOwner(grave);
  if (judged !== undefined && moved?.token !== judged.token) {
    // We raced another breaker and moved a fresh lock: give it back if its slot is still free.
    await link(grave, lockPath).catch(() => undefined);
  }
  await unlink(grave).catch(() => undefined);
  return true;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as LockOwner).token === 'string' &&
      typeof (parsed as LockOwner).pid === 'number' &&
      typeof (parsed as LockOwner).host === 'string'
    ) {
      return parsed as LockOwner;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return !hasCode(err, 'ESRCH');
  }
}

export function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

export function storeIoError(action: string, path: string, err: unknown): EngineError {
  const reason = err instanceof Error ? err.message : String(err);
  return new EngineError('store_unavailable', `Could not ${action} ${path}: ${reason}`, undefined, true);
}
