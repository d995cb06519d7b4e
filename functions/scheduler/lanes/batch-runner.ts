/**
 * A lane's transport: send one encoded batch, get its per-item answers. The edge lane runs it over HTTP to the
 * edge agents; the serverless lane through FC InvokeFunction (or a loopback stand-in of FC's API locally).
 * Implementations throw EngineError: `lane_failed` (retryable on the other lane), `throttled`,
 * `deadline_exceeded` (the call outlived its deadline and was abandoned), `invalid_input` (the lane refused the
 * batch itself; not retryable).
 */
import type { BatchItem, BatchResponse } from '../../../shared/protocol/batch.js';
import type { ServerlessConfig } from '../../../shared/core/types.js';

export interface BatchDispatch {
  readonly batchId: string;
  readonly items: readonly BatchItem[];
  /** Wall-clock ms by which the answer is useless; the runner aborts the call then. */
  readonly deadlineMs: number;
  /** Serverless only: the configuration the plan chose. */
  readonly serverlessConfig?: ServerlessConfig;
  /**
   * What the planner expects this batch to take on the lane (ms). A call abandoned at its deadline counts against
   * the lane's health only when the lane was given at least this long: a batch whose requests already queued
   * most of their deadline away says nothing about the lane.
   */
  readonly expectedMs?: number;
}

/** Whether a failed call should count against the lane's health (see BatchDispatch.expectedMs). */
export function blamesLane(error: unknown, dispatch: BatchDispatch, budgetMs: number): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'invalid_input') return false;
  if (code === 'deadline_exceeded' && dispatch.expectedMs !== undefined) return budgetMs >= dispatch.expectedMs;
  return true;
}

export interface BatchOutcome {
  readonly response: BatchResponse;
  /** Measured on the scheduler's side: from sending the request to having the whole answer. */
  readonly roundTripMs: number;
  /** Bytes sent (the encoded batch), for bandwidth estimates. */
  readonly bytesSent: number;
  /** Which agent or function served it (URL, function name and qualifier). */
  readonly target: string;
  /** Serverless: whether this call hit a fresh instance, when the platform says so. */
  readonly coldStart?: boolean;
}

export interface BatchRunner {
  run(dispatch: BatchDispatch): Promise<BatchOutcome>;
}
