/**
 * One warning per counting interval for the requests refused with 429 in it (a full queue, overload, or shed
 * for a higher priority), by reason. The request log leaves 429s at info: under overload a warning per refused
 * request would be a line for nearly every request, and cost the scheduler a good part of its time.
 */
import type { QueueTotals } from '../../../shared/core/queue/index.js';

export interface RefusedInInterval {
  readonly queueFull: number;
  readonly overloaded: number;
  readonly shed: number;
}

export class RefusalSummary {
  private last: RefusedInInterval = { queueFull: 0, overloaded: 0, shed: 0 };

  /** The refusals since the last call, from the queue's running totals; undefined when there were none. */
  take(totals: QueueTotals): RefusedInInterval | undefined {
    const now: RefusedInInterval = { queueFull: totals.refused.queue_full, overloaded: totals.refused.overloaded, shed: totals.evicted };
    const since = { queueFull: now.queueFull - this.last.queueFull, overloaded: now.overloaded - this.last.overloaded, shed: now.shed - this.last.shed };
    this.last = now;
    return since.queueFull + since.overloaded + since.shed > 0 ? since : undefined;
  }
}
