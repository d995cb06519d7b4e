/** The errors the engine answers with when the queue refuses or rejects a request, or a lane call fails. */
import { EngineError } from '../../../shared/core/errors.js';

export const REFUSAL: Record<string, (retryAfterMs: number) => EngineError> = {
  queue_full: (retryAfterMs) => new EngineError('queue_full', 'The queue is full; retry later', retryAfterMs),
  // 429 like a full queue: the request is fine, the lanes are saturated; Retry-After is the backlog's drain time.
  overloaded: (retryAfterMs) =>
    new EngineError('queue_full', `Overloaded: no lane can answer before the deadline behind its current backlog; retry in about ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`, retryAfterMs),
  shed: (retryAfterMs) => new EngineError('queue_full', 'Shed to make room for higher-priority requests; retry later', retryAfterMs),
  deadline_unreachable: () => new EngineError('deadline_exceeded', 'No lane can answer before the deadline'),
  no_lane: () => new EngineError('no_lane', 'No lane is healthy'),
};

export function asEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  return new EngineError('lane_failed', `Lane call failed: ${(error as Error)?.message ?? String(error)}`, undefined, true);
}
