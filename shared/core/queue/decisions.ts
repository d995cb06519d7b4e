/** What the virtual queue answers: admission outcomes, decisions, and its read-only snapshot. */
import type { LaneId, Priority, QueuedRequest } from '../types.js';

/**
 * `overloaded`: no eligible lane is forecast to answer before the deadline behind the backlog it already holds
 * (HTTP 429 with Retry-After about the time for that backlog to drain).
 */
export type RefusalReason = 'queue_full' | 'overloaded' | 'deadline_unreachable' | 'no_lane';

export type AdmitOutcome =
  /** `evicted`: low-priority requests pushed out to make room for a high one; answer them as refused ('shed'). */
  | { readonly kind: 'admitted'; readonly lane: LaneId; readonly evicted: readonly QueuedRequest[] }
  /** `retryAfterMs`: a hint for the client (HTTP Retry-After); 0 when retrying cannot help (deadline). */
  | { readonly kind: 'refused'; readonly reason: RefusalReason; readonly retryAfterMs: number };

export type RejectReason = 'deadline_unreachable' | 'no_lane';

export type QueueDecision =
  | { readonly kind: 'dispatch'; readonly lane: LaneId; readonly requests: readonly QueuedRequest[] }
  | { readonly kind: 'reject'; readonly reason: RejectReason; readonly requests: readonly QueuedRequest[] }
  /**
   * Nothing to do until now + ms (at least TIME_EPSILON_MS). Infinity when the queue is empty. While requests
   * wait only for a busy lane, `ms` still ends just after the earliest deadline becomes unreachable (to reject
   * it promptly); the caller also calls `next` again when a lane frees a slot, a request arrives or the plan
   * or a lane's health changes.
   */
  | { readonly kind: 'wait'; readonly ms: number };

export interface LaneQueueSnapshot {
  /** Requests waiting for this lane. */
  readonly depth: number;
  readonly byPriority: Readonly<Record<Priority, number>>;
  /** Arrival of the oldest request waiting for this lane (null when none). */
  readonly oldestArrivalMs: number | null;
  readonly oldestArrivalByPriority: Readonly<Record<Priority, number | null>>;
  /** Earliest deadline among this lane's requests (null when none). */
  readonly earliestDeadlineMs: number | null;
}

/** Running totals since the queue was made (requests, not decisions). */
export interface QueueTotals {
  readonly admitted: number;
  readonly refused: Readonly<Record<RefusalReason, number>>;
  readonly dispatched: number;
  readonly batches: number;
  readonly rejected: Readonly<Record<RejectReason, number>>;
  readonly evicted: number;
  readonly removed: number;
  readonly drained: number;
}

/** A read-only view for /v1/state and metrics. */
export interface QueueSnapshot {
  readonly size: number;
  readonly maxQueued: number;
  readonly byPriority: Readonly<Record<Priority, number>>;
  readonly lanes: Readonly<Record<LaneId, LaneQueueSnapshot>>;
  /** Arrival of the oldest queued request (null when empty). */
  readonly oldestArrivalMs: number | null;
  /** now - oldestArrivalMs when `snapshot(nowMs)` was given a time and the queue is not empty, else null. */
  readonly oldestWaitMs: number | null;
  readonly totals: QueueTotals;
}
