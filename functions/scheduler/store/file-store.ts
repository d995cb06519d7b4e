/**
 * The embedded StateStore: a directory with one JSON file per key (`plan.json`, `detectors.json`, ...), each
 * `{ "version": n, "value": "...", "updatedAtMs": t }`. It survives restarts and can be shared by several
 * scheduler processes on one machine.
 *
 * - Reads take no lock: a record file is only ever replaced by rename(2), so a reader sees the old file or the
 *   new one, never half of one.
 * - compareAndSwap holds the key's lock file (`plan.lock`, see file-lock.ts) while it reads the current version,
 *   writes the new record to a temporary file, fsyncs it, renames it over the record and fsyncs the directory.
 *   A crash at any point leaves the old record or the new one; a crash inside the lock leaves a lock file that
 *   the next writer breaks (dead owner on this host, or older than staleLockMs).
 * - Counts live in one file per slot (`count.arrivals.17.json`: `{ interval, total, publishers: [ids] }`),
 *   published under that file's lock the same way.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EngineError, expected } from '../../../shared/core/errors.js';
import { hasCode, processExists, storeIoError, withFileLock } from './file-lock.js';
import { checkCountRead, checkKey, checkPublish, checkWrite, closedStoreError, conflictError, countSlot, recycledError } from './record-checks.js';
import type { CountSeries, IntervalCount, StateKey, StateStore, VersionedRecord } from './state-store.js';

export interface FileStateStoreOptions {
  /** The store's directory; created if missing. */
  readonly dir: string;
  /** How long a writer waits for another writer's lock before failing with `store_unavailable`. Default 5000. */
  readonly lockTimeoutMs?: number;
  /** Age after which a lock is treated as abandoned even if its owner still runs. Default 10000. */
  readonly staleLockMs?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
const DEFAULT_STALE_LOCK_MS = 10_000;

export async function openFileStateStore(options: FileStateStoreOptions): Promise<FileStateStore> {
  if (typeof options?.dir !== 'string' || options.dir === '') {
    throw new EngineError('invalid_input', expected('a directory path for the file state store', options?.dir));
  }
  const lockTimeoutMs = positiveOption('lockTimeoutMs', options.lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS);
  const staleLockMs = positiveOption('staleLockMs', options.staleLockMs, DEFAULT_STALE_LOCK_MS);
  const dir = resolve(options.dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw storeIoError('create the state directory', dir, err);
  }
  await removeOrphanTempFiles(dir);
  return new FileStateStore(dir, lockTimeoutMs, staleLockMs);
}

export class FileStateStore implements StateStore {
  private closed = false;

  /** Use openFileStateStore, which validates options and creates the directory. */
  constructor(
    readonly dir: string,
    private readonly lockTimeoutMs: number,
    private readonly staleLockMs: number,
  ) {}

  async get(key: StateKey): Promise<VersionedRecord | undefined> {
    this.ensureOpen();
    return readRecord(this.recordPath(checkKey(key)));
  }

  async compareAndSwap(key: StateKey, expectedVersion: number, value: string, nowMs: number): Promise<number> {
    this.ensureOpen();
    checkWrite(key, expectedVersion, value, nowMs);
    const recordPath = this.recordPath(key);
    const lock = { lockTimeoutMs: this.lockTimeoutMs, staleLockMs: this.staleLockMs };
    return withFileLock(join(this.dir, `${key}.lock`), lock, async () => {
      const current = await readRecord(recordPath);
      if ((current?.version ?? 0) !== expectedVersion) throw conflictError(key, expectedVersion, current?.version);
      const version = expectedVersion + 1;
      const record: VersionedRecord = { version, value, updatedAtMs: nowMs };
      await writeAtomically(this.dir, recordPath, JSON.stringify(record));
      return version;
    });
  }

  async publishCount(series: CountSeries, interval: number, publisher: string, count: number, nowMs: number): Promise<IntervalCount> {
    this.ensureOpen();
    checkPublish(series, interval, publisher, count, nowMs);
    const name = `count.${series}.${countSlot(interval)}`;
    const path = join(this.dir, `${name}.json`);
    const lock = { lockTimeoutMs: this.lockTimeoutMs, staleLockMs: this.staleLockMs };
    return withFileLock(join(this.dir, `${name}.lock`), lock, async () => {
      const held = await readCountSlot(path);
      if (held && held.interval > interval) throw recycledError(series, interval, held.interval);
      const slot = held?.interval === interval ? held : { interval, total: 0, publishers: [] };
      if (slot.publishers.includes(publisher)) return { total: slot.total, publishers: slot.publishers.length };
      const next: CountSlotFile = { interval, total: slot.total + count, publishers: [...slot.publishers, publisher] };
      await writeAtomically(this.dir, path, JSON.stringify(next));
      return { total: next.total, publishers: next.publishers.length };
    });
  }

  async readCount(series: CountSeries, interval: number): Promise<IntervalCount | undefined> {
    this.ensureOpen();
    checkCountRead(series, interval);
    const slot = await readCountSlot(join(this.dir, `count.${series}.${countSlot(interval)}.json`));
    return slot?.interval === interval ? { total: slot.total, publishers: slot.publishers.length } : undefined;
  }

  async close(): Promise<void> {
    // No handle stays open between calls; closing only stops further use.
    this.closed = true;
  }

  private recordPath(key: StateKey): string {
    return join(this.dir, `${key}.json`);
  }

  private ensureOpen(): void {
    if (this.closed) throw closedStoreError('file');
  }
}

/** A file's text and its JSON (undefined when it does not parse); undefined when there is no such file. */
async function readJsonFile(path: string): Promise<{ text: string; parsed: unknown } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return undefined;
    throw storeIoError('read', path, err);
  }
  try {
    return { text, parsed: JSON.parse(text) as unknown };
  } catch {
    return { text, parsed: undefined };
  }
}

async function readRecord(path: string): Promise<VersionedRecord | undefined> {
  const file = await readJsonFile(path);
  if (file === undefined) return undefined;
  const { text, parsed } = file;
  if (parsed === undefined) throw new EngineError('store_unavailable', expected(`a JSON record in ${path}`, text));
  const record = parsed as Partial<VersionedRecord> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    !Number.isSafeInteger(record.version) ||
    (record.version ?? 0) < 1 ||
    typeof record.value !== 'string' ||
    typeof record.updatedAtMs !== 'number'
  ) {
    throw new EngineError('store_unavailable', expected(`{version, value, updatedAtMs} in ${path}`, parsed));
  }
  return { version: record.version as number, value: record.value, updatedAtMs: record.updatedAtMs };
}

interface CountSlotFile {
  readonly interval: number;
  readonly total: number;
  readonly publishers: readonly string[];
}

async function readCountSlot(path: string): Promise<CountSlotFile | undefined> {
  const file = await readJsonFile(path);
  if (file === undefined) return undefined;
  const { text } = file;
  const slot = (file.parsed ?? null) as Partial<CountSlotFile> | null;
  if (
    typeof slot !== 'object' ||
    slot === null ||
    !Number.isSafeInteger(slot.interval) ||
    !Number.isSafeInteger(slot.total) ||
    !Array.isArray(slot.publishers) ||
    !slot.publishers.every((id) => typeof id === 'string')
  ) {
    throw new EngineError('store_unavailable', expected(`{interval, total, publishers} in ${path}`, text));
  }
  return { interval: slot.interval as number, total: slot.total as number, publishers: slot.publishers };
}

/** Write to a private temporary file, flush it to disk, then rename it over the target (atomic on POSIX). */
async function writeAtomically(dir: string, target: string, content: string): Promise<void> {
  const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw storeIoError('write', target, err);
  }
  await syncDirectory(dir);
}

/** Persist the rename itself: without this a power loss may bring back the old directory entry. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    if (!hasCode(err, 'EISDIR') && !hasCode(err, 'EPERM') && !hasCode(err, 'EINVAL')) {
      throw storeIoError('sync the directory', dir, err);
    }
  }
}

/** Temporary files left by writers that crashed before their rename; only those of dead local processes. */
async function removeOrphanTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const match = /\.json\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && !processExists(pid)) await unlink(join(dir, name)).catch(() => undefined);
  }
}


function positiveOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new EngineError('invalid_input', expected(`${name} to be a positive number of ms`, value));
  }
  return value;
}
