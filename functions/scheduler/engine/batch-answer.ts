/**
 * A batch in flight (how it came to be sent, its hedge), and the answer one of its requests gets from the lane's
 * outcome.
 */
import type { LaneId, QueuedRequest } from '../../../shared/core/types.js';
import type { InFlightBatch } from '../../../shared/core/queue/lane-clock.js';
import type { Label } from '../../../shared/protocol/batch.js';
import type { BatchOutcome } from '../lanes/batch-runner.js';
import type { InferAnswer } from './answer.js';
import type { ArmedHedge } from './hedge-schedule.js';

/** The queue's own dispatch, its retry on the other lane after a failure, or a hedge copy of a late batch. */
export type BatchKind = 'first' | 'retry' | 'hedge';

/** A batch on its way to a lane, with the hedge armed for it (if any). */
export interface Flight {
  readonly lane: LaneId;
  readonly batchId: string;
  readonly requests: readonly QueuedRequest[];
  readonly kind: BatchKind;
  done: boolean;
  armed?: ArmedHedge;
  /** On its lane's clock: when it is expected to be answered. */
  clocked?: InFlightBatch;
  /** How much later than that its lane answers at the tail, for its size. */
  tailSpreadMs?: number;
}

export interface AnsweredBatch {
  readonly lane: LaneId;
  readonly kind: BatchKind;
  readonly size: number;
  readonly dispatchMs: number;
  readonly outcome: BatchOutcome;
}

export function answerFor(request: QueuedRequest, labels: readonly Label[], batch: AnsweredBatch, nowMs: number): InferAnswer {
  const { outcome } = batch;
  const laneMs = outcome.response.timings.totalMs;
  return {
    id: request.id,
    result: { labels },
    placement: batch.lane,
    target: outcome.target,
    batchId: outcome.response.batchId,
    batchSize: batch.size,
    retried: batch.kind === 'retry',
    hedged: batch.kind === 'hedge',
    timings: {
      queueMs: batch.dispatchMs - request.arrivalMs,
      transferMs: Math.max(0, outcome.roundTripMs - laneMs),
      inferenceMs: laneMs,
      totalMs: nowMs - request.arrivalMs,
    },
  };
}
