/**
 * The virtual queue's options: readonly, with documented defaults, validated once at construction with
 * "Expected X, got Y" messages (p-queue's way).
 */
import { EngineError, expected } from '../errors.js';

export interface QueueOptions {
  /**
   * Bound on queued requests across all lanes; past it a request is refused at once (`queue_full`, HTTP 429).
   * Default 10,000: the deadline rule is what really bounds how long a request waits; this bound caps memory
   * and the work a burst can pile up.
   */
  readonly maxQueued: number;
  /**
   * Low-priority requests are refused once the queue holds this fraction of `maxQueued` (rounded up), so the
   * last part of the queue is kept for high-priority ones. Default 0.8. 1 lets low requests fill the queue
   * (high ones then evict them); 0 refuses every low request.
   */
  readonly lowPriorityMaxFraction: number;
  /**
   * `retryAfterMs` for a request refused because no lane is healthy: nothing in the queue says when one will
   * be again, so this is a fixed hint. Default 1,000 ms.
   */
  readonly noLaneRetryAfterMs: number;
}

export const DEFAULT_QUEUE_OPTIONS: QueueOptions = Object.freeze({
  maxQueued: 10_000,
  lowPriorityMaxFraction: 0.8,
  noLaneRetryAfterMs: 1_000,
});

/** The defaults overlaid with `options`, checked; throws EngineError('invalid_input') on a bad value. */
export function resolveQueueOptions(options: Partial<QueueOptions> = {}): QueueOptions {
  if (typeof options !== 'object' || options === null) {
    throw new EngineError('invalid_input', expected('queue options to be an object', options));
  }
  const resolved: QueueOptions = { ...DEFAULT_QUEUE_OPTIONS, ...options };
  const { maxQueued, lowPriorityMaxFraction, noLaneRetryAfterMs } = resolved;
  if (!Number.isSafeInteger(maxQueued) || maxQueued < 1) {
    throw new EngineError('invalid_input', expected('maxQueued to be an integer >= 1', maxQueued));
  }
  if (typeof lowPriorityMaxFraction !== 'number' || !(lowPriorityMaxFraction >= 0 && lowPriorityMaxFraction <= 1)) {
    throw new EngineError('invalid_input', expected('lowPriorityMaxFraction to be a number from 0 to 1', lowPriorityMaxFraction));
  }
  if (typeof noLaneRetryAfterMs !== 'number' || !Number.isFinite(noLaneRetryAfterMs) || noLaneRetryAfterMs < 0) {
    throw new EngineError('invalid_input', expected('noLaneRetryAfterMs to be a finite number >= 0', noLaneRetryAfterMs));
  }
  return Object.freeze(resolved);
}
