/**
 * How fast a lane works through its backlog (requests per ms), learned from the queue's own dispatches, so
 * admission can predict when a newcomer would be answered. Pure: it sees only the `nowMs` of each dispatch.
 *
 * Only dispatches made while the lane still held a full batch after the previous one, or that a full batch
 * waited for (`noteBlocked`: a full batch and no free slot), are samples: then the lane (its free slots), not
 * the arrivals, set the pace, and the gap between the two dispatches is service time (or a little more: a
 * conservative error). Waits for a slot are the common case when admission keeps the backlog near a batch. Samples go into exponentially decayed sums of requests R and elapsed time T (time constant TAU_MS),
 * and the lane's model is a prior standing in for the observation still missing, P = max(0, PRIOR_WEIGHT_MS -
 * T - open): it decides alone at first and fades out as samples come, so a wrong model (a slower box, a CPU
 * shared with other processes) leaves no lasting bias:
 *
 *   rate = (R + prior * P) / (T + open + P)
 *
 * where `open` is the time since the last dispatch while the lane is still backlogged: a lane that stops
 * dispatching (stalled, or far slower than before) lowers its own estimate without waiting for a sample.
 * The prior is one batch per expected batch time (one slot): on a lane with more slots it errs towards
 * refusing at the onset of a burst, which a few samples correct, rather than towards admitting requests that
 * then miss their deadline.
 */

/** Samples older than a few seconds matter little: overload builds and eases on that scale. */
export const DRAIN_TAU_MS = 5_000;
/** Observed busy time after which the drain rate is the observation alone (the prior has faded out). */
export const DRAIN_PRIOR_WEIGHT_MS = 1_000;

export class DrainRate {
  private requests = 0;
  private elapsedMs = 0;
  private lastDispatchMs = NaN;
  private backlogged = false;

  /**
   * Records a dispatch of `count` requests at `nowMs` that left `leftBehind` waiting on a lane whose batch size
   * is `batchSize`.
   */
  noteDispatch(nowMs: number, count: number, leftBehind: number, batchSize: number): void {
    if (this.backlogged) {
      const gapMs = Math.max(0, nowMs - this.lastDispatchMs);
      const decay = Math.exp(-gapMs / DRAIN_TAU_MS);
      this.requests = this.requests * decay + count;
      this.elapsedMs = this.elapsedMs * decay + gapMs;
    }
    this.lastDispatchMs = nowMs;
    this.backlogged = leftBehind >= batchSize;
  }

  /** A full batch is waiting for a slot on this lane now: the next dispatch is paced by the lane. */
  noteBlocked(): void {
    if (Number.isFinite(this.lastDispatchMs)) this.backlogged = true;
  }

  /**
   * Requests per ms the lane is expected to drain at `nowMs`, given `priorPerMs` (undefined when the lane has no
   * model) and `stillBacklogged` (a full batch waits now). Undefined when there is neither a prior nor a sample:
   * then no prediction is made.
   */
  perMs(nowMs: number, priorPerMs: number | undefined, stillBacklogged: boolean): number | undefined {
    const prior = priorPerMs !== undefined && priorPerMs > 0 && Number.isFinite(priorPerMs) ? priorPerMs : undefined;
    const openMs = this.backlogged && stillBacklogged ? Math.max(0, nowMs - this.lastDispatchMs) : 0;
    const decay = Math.exp(-openMs / DRAIN_TAU_MS);
    const requests = this.requests * decay;
    const elapsedMs = this.elapsedMs * decay + openMs;
    if (prior === undefined) return elapsedMs > 0 && requests > 0 ? requests / elapsedMs : undefined;
    const priorWeightMs = Math.max(0, DRAIN_PRIOR_WEIGHT_MS - elapsedMs);
    return (requests + prior * priorWeightMs) / (elapsedMs + priorWeightMs);
  }
}
