/**
 * Input checks every StateStore implementation shares, so that all stores refuse the same writes with the same
 * messages: a value that an embedded store accepts locally must also fit in Tablestore after `s deploy`.
 */
import { EngineError, expected } from '../../../shared/core/errors.js';
import type { StateKey } from './state-store.js';

export const STATE_KEYS: readonly StateKey[] = ['plan', 'detectors', 'profiles', 'config'];

/**
 * Tablestore's limit for one STRING attribute value (2 MB, "Limits on the Wide Column model"); every store uses it
 * so a record never works locally and fails in the cloud.
 */
export const MAX_VALUE_BYTES = 2 * 1024 * 1024;

export function checkKey(key: unknown): StateKey {
  if (typeof key !== 'string' || !(STATE_KEYS as readonly string[]).includes(key)) {
    throw new EngineError('bad_request', expected(`a state key (${STATE_KEYS.join(', ')})`, key));
  }
  return key as StateKey;
}

/** Validates a compareAndSwap call; returns the value's UTF-8 size for stores that care. */
export function checkWrite(key: unknown, expectedVersion: unknown, value: unknown, nowMs: unknown): number {
  checkKey(key);
  if (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new EngineError('bad_request', expected('expectedVersion to be an integer >= 0', expectedVersion));
  }
  if (typeof value !== 'string') {
    throw new EngineError('bad_request', expected('the value to be a string (a JSON document)', typeof value));
  }
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || nowMs < 0) {
    throw new EngineError('bad_request', expected('nowMs to be a finite time in ms since epoch', nowMs));
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
