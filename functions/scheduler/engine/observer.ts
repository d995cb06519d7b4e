import type { EngineError } from '../../../shared/core/errors.js';
import type { LaneId, Plan, PlanReason, ServerlessConfig } from '../../../shared/core/types.js';
import type { BatchOutcome } from '../lanes/batch-runner.js';
import type { InferAnswer } from './answer.js';

/**
 * What the engine tells the outside (logs, metrics, the stack's prototype-style log). All optional. `hedge`
 * marks a batch that is a hedge copy: extra work on its lane, not part of the plan's split.
 */
export interface EngineObserver {
  batchDispatched?(event: { lane: LaneId; batchId: string; size: number; plan: Plan; oldestWaitMs: number; retry: boolean; hedge: boolean }): void;
  batchCompleted?(event: { lane: LaneId; batchId: string; size: number; outcome: BatchOutcome; serverlessConfig: ServerlessConfig; nowMs: number; hedge: boolean }): void;
  batchFailed?(event: { lane: LaneId; batchId: string; size: number; error: EngineError; hedge: boolean; willRetryOn?: LaneId }): void;
  /**
   * A call ran out of its time unanswered: `bits` left `elapsedMs` ago and no answer came. On the edge that bounds
   * the link from above (its bytes had not all crossed, or had crossed too late), even when the agent never read a
   * byte of it to time.
   */
  callTimedOut?(event: { lane: LaneId; bits: number; elapsedMs: number; nowMs: number }): void;
  /** A batch still unanswered at its hedge instant was copied to the other lane: `size` requests went to `lane`. */
  hedgeSent?(event: { from: LaneId; lane: LaneId; batchId: string; size: number; nowMs: number }): void;
  requestAnswered?(event: { answer: InferAnswer; sloMs: number }): void;
  requestFailed?(event: { id: string; error: EngineError; waitedMs: number }): void;
  /** The planning side closed a counting interval. */
  tick?(event: { intervalMs: number; nowMs: number }): void;
  replanned?(event: { plan: Plan; previous: Plan | undefined; reason: PlanReason; nowMs: number }): void;
}
