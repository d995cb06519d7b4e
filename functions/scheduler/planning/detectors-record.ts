/**
 * The `detectors` record in the state store: the re-plan controller's state, and the last counting interval
 * whose total arrivals it has seen, so that an instance restoring it (at start-up) can go on from the next
 * interval, reading the totals the other instances published meanwhile, instead of skipping or repeating some.
 * Records written before the interval was kept (a bare controller record) still load, without the interval.
 */
import type { ControllerRecord } from '../../../shared/core/control/index.js';

export interface DetectorsRecord {
  readonly controller: ControllerRecord;
  /** The last interval (epoch ms / interval length) fed to the rate detector; null before the first. */
  readonly lastInterval: number | null;
}

export function detectorsRecord(controller: ControllerRecord, lastInterval: number | undefined): DetectorsRecord {
  return { controller, lastInterval: lastInterval ?? null };
}

/** Reads a stored record of either shape; undefined when there is none. */
export function parseDetectorsRecord(value: unknown): { controller: ControllerRecord; lastInterval?: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if ('controller' in value) {
    const record = value as DetectorsRecord;
    return { controller: record.controller, ...(Number.isSafeInteger(record.lastInterval) ? { lastInterval: record.lastInterval as number } : {}) };
  }
  return { controller: value as ControllerRecord };
}
