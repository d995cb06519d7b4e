/** The queue's read-only view for /v1/state and metrics, and the running totals behind it. */
import { LANE_IDS, type LaneId } from '../types.js';
import type { LaneQueueSnapshot, QueueSnapshot, QueueTotals, RefusalReason, RejectReason } from './decisions.js';
import type { LaneQueue } from './lane-queue.js';

/** Mutable totals the queue counts into; snapshots copy them. */
export interface MutableTotals {
  admitted: number;
  refused: Record<RefusalReason, number>;
  dispatched: number;
  batches: number;
  rejected: Record<RejectReason, number>;
  evicted: number;
  removed: number;
  drained: number;
}

export function zeroTotals(): MutableTotals {
  return {
    admitted: 0,
    refused: { queue_full: 0, overloaded: 0, deadline_unreachable: 0, no_lane: 0 },
    dispatched: 0,
    batches: 0,
    rejected: { deadline_unreachable: 0, no_lane: 0 },
    evicted: 0,
    removed: 0,
    drained: 0,
  };
}

function finiteOrNull(ms: number): number | null {
  return Number.isFinite(ms) ? ms : null;
}

function laneSnapshot(queue: LaneQueue): LaneQueueSnapshot {
  const high = queue.high.first();
  const low = queue.low.first();
  return {
    depth: queue.size,
    byPriority: { high: queue.high.size, low: queue.low.size },
    oldestArrivalMs: finiteOrNull(queue.oldestArrivalMs()),
    oldestArrivalByPriority: { high: high?.request.arrivalMs ?? null, low: low?.request.arrivalMs ?? null },
    earliestDeadlineMs: queue.earliestDue()?.request.deadlineMs ?? null,
  };
}

export function buildSnapshot(
  lanes: Readonly<Record<LaneId, LaneQueue>>,
  maxQueued: number,
  totals: MutableTotals,
  nowMs: number | undefined,
): QueueSnapshot {
  const edge = laneSnapshot(lanes.edge);
  const serverless = laneSnapshot(lanes.serverless);
  let oldest = Infinity;
  for (const lane of LANE_IDS) oldest = Math.min(oldest, lanes[lane].oldestArrivalMs());
  const totalsCopy: QueueTotals = { ...totals, refused: { ...totals.refused }, rejected: { ...totals.rejected } };
  return {
    size: edge.depth + serverless.depth,
    maxQueued,
    byPriority: {
      high: edge.byPriority.high + serverless.byPriority.high,
      low: edge.byPriority.low + serverless.byPriority.low,
    },
    lanes: { edge, serverless },
    oldestArrivalMs: finiteOrNull(oldest),
    oldestWaitMs: nowMs !== undefined && Number.isFinite(oldest) ? nowMs - oldest : null,
    totals: totalsCopy,
  };
}
