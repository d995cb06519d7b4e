/** One queued request inside the queue's structures. */
import type { LaneId, QueuedRequest } from '../types.js';

/**
 * Structures drop entries lazily: removing a request (dispatch, rejection, eviction, a move to another lane)
 * sets `live` to false, and the heaps and deques skip dead entries when they reach an end. That keeps every
 * removal O(1) (or O(log n)) without searching the middle of a structure.
 */
export interface QueueEntry {
  readonly request: QueuedRequest;
  /** Admission order; breaks ties between equal arrival times and equal deadlines so order is total. */
  readonly seq: number;
  /** The lane it waits for; a move to another lane makes a new entry. */
  readonly lane: LaneId;
  live: boolean;
}

/** Arrival order: earlier arrival first, then admission order. */
export function arrivesBefore(a: QueueEntry, b: QueueEntry): boolean {
  return a.request.arrivalMs < b.request.arrivalMs || (a.request.arrivalMs === b.request.arrivalMs && a.seq < b.seq);
}

/** Deadline order: earlier deadline first, then admission order. */
export function dueBefore(a: QueueEntry, b: QueueEntry): boolean {
  return a.request.deadlineMs < b.request.deadlineMs || (a.request.deadlineMs === b.request.deadlineMs && a.seq < b.seq);
}
