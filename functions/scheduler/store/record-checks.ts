/**
 * Input checks every StateStore implementation shares, so that all stores refuse the same writes with the same
 * messages: a value that an embedded store accepts locally must also fit in Tablestore after `s deploy`.
 * Keys, versions, counts and clocks are computed by the scheduler itself, never taken from a client, so a bad
 * one is an internal fault.
 */
import { EngineError, expected } from '../../../shared/core/errors.js';
import { COUNT_SLOTS, type CountSeries, type StateKey } from './state-store.js';

export const STATE_KEYS: readonly StateKey[] = ['plan', 'detectors', 'profiles', 'config'];

/**
 * Tablestore's limit for one STRING attribute value (2 MB, "Limits on the Wide Column model"); every store uses it
 * so a record never works locally and fails in the cloud.
 */
export const MAX_VALUE_BYTES = 2 * 1024 * 1024;

export function checkKey(key: unknown): StateKey {
  if (typeof key !== 'string' || !(STATE_KEYS as readonly string[]).includes(key)) {
    throw new EngineError('internal', expected(`a state key (${STATE_KEYS.join(', ')})`, key));
  }
  return key as StateKey;
}

/** Validates a compareAndSwap call; returns the value's UTF-8 size for stores that care. */
export function checkWrite(key: unknown, expectedVersion: unknown, value: unknown, nowMs: unknown): number {
  checkKey(key);
  if (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new EngineError('internal', expected('expectedVersion to be an integer >= 0', expectedVersion));
  }
  if (typeof value !== 'string') {
    throw new EngineError('internal', expected('the value to be a string (a JSON document)', typeof value));
  }
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || nowMs < 0) {
    throw new EngineError('internal', expected('nowMs to be a finite time in ms since epoch', nowMs));
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new EngineError(
      'payload_too_large',
      expected(`a value of at most ${MAX_VALUE_BYTES} bytes (Tablestore's attribute limit) for "${key}"`, `${bytes} bytes`),
    );
  }
  return bytes;
}

export function closedStoreError(kind: string): EngineError {
  return new EngineError('store_unavailable', `The ${kind} state store is closed`);
}

export function conflictError(key: StateKey, expectedVersion: number, actual: number | undefined): EngineError {
  const found = actual === undefined ? 'no record' : `version ${actual}`;
  return new EngineError(
    'conflict',
    `State "${key}" changed under us: expected version ${expectedVersion}, found ${found}; re-read and retry`,
    undefined,
    true,
  );
}

export const COUNT_SERIES: readonly CountSeries[] = ['arrivals'];

/** Publisher ids become part of a Tablestore column name, so they keep to its alphabet. */
const PUBLISHER = /^[A-Za-z0-9_]{1,64}$/;

export function checkCountRead(series: unknown, interval: unknown): void {
  if (typeof series !== 'string' || !(COUNT_SERIES as readonly string[]).includes(series)) {
    throw new EngineError('internal', expected(`a count series (${COUNT_SERIES.join(', ')})`, series));
  }
  if (typeof interval !== 'number' || !Number.isSafeInteger(interval) || interval < 0) {
    throw new EngineError('internal', expected('the interval to be an integer >= 0', interval));
  }
}

/** Validates a publishCount call. */
export function checkPublish(series: unknown, interval: unknown, publisher: unknown, count: unknown, nowMs: unknown): void {
  checkCountRead(series, interval);
  if (typeof publisher !== 'string' || !PUBLISHER.test(publisher)) {
    throw new EngineError('internal', expected('a publisher id of 1 to 64 letters, digits or _', publisher));
  }
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new EngineError('internal', expected('the count to be an integer >= 0', count));
  }
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || nowMs < 0) {
    throw new EngineError('internal', expected('nowMs to be a finite time in ms since epoch', nowMs));
  }
}

/** The slot an interval lives in (see COUNT_SLOTS). */
export function countSlot(interval: number): number {
  return interval % COUNT_SLOTS;
}

/** A publish to an interval whose slot a later interval already took: too late to count. */
export function recycledError(series: CountSeries, interval: number, held: number): EngineError {
  return new EngineError(
    'conflict',
    `Count "${series}" of interval ${interval} is no longer kept: its slot holds interval ${held} (the store keeps ${COUNT_SLOTS} intervals)`,
  );
}
