import type { EngineError } from '../../../shared/core/errors.js';
import type { LaneId, Plan, PlanReason, ServerlessConfig } from '../../../shared/core/types.js';
import type { BatchOutcome } from '../lanes/batch-runner.js';
import type { InferAnswer } from './answer.js';

/** What the engine tells the outside (logs, metrics, the stack's prototype-style log). All optional. */
export interface EngineObserver {
  batchDispatched?(event: { lane: LaneId; batchId: string; size: number; plan: Plan; oldestWaitMs: number; retry: boolean }): void;
  batchCompleted?(event: { lane: LaneId; batchId: string; size: number; outcome: BatchOutcome; serverlessConfig: ServerlessConfig; nowMs: number }): void;
  batchFailed?(event: { lane: LaneId; batchId: string; size: number; error: EngineError; willRetryOn?: LaneId }): void;
  requestAnswered?(event: { answer: InferAnswer; sloMs: number }): void;
  requestFailed?(event: { id: string; error: EngineError; waitedMs: number }): void;
  /** The planning side closed a counting interval. */
  tick?(event: { intervalMs: number; nowMs: number }): void;
  replanned?(event: { plan: Plan; previous: Plan | undefined; reason: PlanReason; nowMs: number }): void;
}
