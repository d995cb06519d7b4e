/**
 * Admission by predicted completion: when would a newcomer joining a lane's backlog be answered? With the
 * lane's drain rate r (requests per ms, see drain-rate.ts), its batch size b and `ahead` requests before it
 * (every request of its lane for a low one; the high ones for a high one, since highs go first), the request
 * leaves in batch q = floor(ahead / b), and batches leave every b / r ms once the lane is backlogged. Its own
 * batch then takes the model's expected time, or, when the lane is saturated, as long as the lane needs to
 * finish the `busy` batches already in flight and its own at the pace it really drains (Little's law: on a
 * lane that queues batches behind each other, such as an edge box with one GPU and a second batch uploading,
 * that is what a batch's latency becomes):
 *
 *   answerAt = now + max(q * b / r + expectedBatchMs(b), (busy + q + 1) * b / r)
 *
 * `busy` is the lane's most free slots ever seen minus its free slots now (O(1), no bookkeeping of batches).
 * Only a lane whose status carries `expectedBatchMs` (a mean model, the prior of its drain rate) is forecast,
 * and only once a full batch is ahead of the newcomer: under light load the existing deadline rules alone
 * decide, exactly as before. O(1) per question.
 */
import { EngineError, expected } from '../errors.js';
import { LANE_IDS, type LaneId, type LanePlan, type LaneStatus } from '../types.js';
import { DrainRate } from './drain-rate.js';

/** A lane's expected (mean) batch time, checked: a NaN or negative estimate would silently break the forecast. */
export function expectedBatchTimeMs(lane: LaneId, status: LaneStatus, batchSize: number): number | undefined {
  if (status.expectedBatchMs === undefined) return undefined;
  const ms = status.expectedBatchMs(batchSize);
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new EngineError('internal', expected(`lanes.${lane}.expectedBatchMs(${batchSize}) to be a number >= 0`, ms));
  }
  return ms;
}

export class BacklogForecast {
  private readonly rates: Readonly<Record<LaneId, DrainRate>> = { edge: new DrainRate(), serverless: new DrainRate() };
  /** The most free slots each lane has shown: its slot count, as far as the queue can tell. */
  private readonly slots: Record<LaneId, number> = { edge: 0, serverless: 0 };

  /** Every dispatch: `leftBehind` requests still wait on the lane afterwards. */
  noteDispatch(lane: LaneId, nowMs: number, count: number, leftBehind: number, batchSize: number): void {
    this.rates[lane].noteDispatch(nowMs, count, leftBehind, batchSize);
  }

  /** A full batch waits on the lane for a free slot. */
  noteBlocked(lane: LaneId): void {
    this.rates[lane].noteBlocked();
  }

  /** Requests per ms the lane drains now; undefined when the lane has no mean model (no forecast). */
  ratePerMs(lane: LaneId, status: LaneStatus, rules: LanePlan, waiting: number, nowMs: number): number | undefined {
    const batchMs = expectedBatchTimeMs(lane, status, rules.batchSize);
    if (batchMs === undefined) return undefined;
    const prior = batchMs > 0 ? rules.batchSize / batchMs : Infinity;
    return this.rates[lane].perMs(nowMs, prior, waiting >= rules.batchSize);
  }

  /**
   * When a request with `ahead` requests before it on the lane (which holds `waiting` in all) is predicted to
   * be answered; undefined when there is no forecast (no model, or less than a full batch ahead).
   */
  answerAtMs(lane: LaneId, status: LaneStatus, rules: LanePlan, ahead: number, waiting: number, nowMs: number): number | undefined {
    const free = status.freeSlots;
    if (Number.isFinite(free) && free > this.slots[lane]) this.slots[lane] = free;
    if (ahead < rules.batchSize) return undefined;
    const rate = this.ratePerMs(lane, status, rules, waiting, nowMs);
    if (rate === undefined) return undefined;
    const batchMs = rules.batchSize / rate;
    const batchesAhead = Math.floor(ahead / rules.batchSize);
    const busy = Number.isFinite(free) ? Math.max(0, this.slots[lane] - Math.max(0, free)) : 0;
    const modelled = batchesAhead * batchMs + expectedBatchTimeMs(lane, status, rules.batchSize)!;
    const saturated = (busy + batchesAhead + 1) * batchMs;
    return nowMs + Math.max(modelled, saturated);
  }

  /**
   * When a newcomer is likely answered on the lane (halfway from the expected to the p99 time), for choosing
   * among lanes that can all make its deadline on the mean: behind the forecast backlog when a full batch is
   * ahead, else after the wait for a send (waitMs) or, when no slot is free, for one to free (slotFreeInMs),
   * in a batch with those ahead of it. Undefined without a mean model.
   */
  likelyAnswerAtMs(lane: LaneId, status: LaneStatus, rules: LanePlan, ahead: number, waiting: number, nowMs: number): number | undefined {
    const size = Math.min(ahead + 1, rules.batchSize);
    const meanMs = expectedBatchTimeMs(lane, status, size);
    if (meanMs === undefined) return undefined;
    const slotWaitMs = status.freeSlots > 0 ? (status.waitMs ?? 0) : (status.slotFreeInMs ?? 0);
    const expectedAt = this.answerAtMs(lane, status, rules, ahead, waiting, nowMs) ?? nowMs + slotWaitMs + meanMs;
    return expectedAt + Math.max(0, status.serviceMs(size) - meanMs) / 2;
  }

  /**
   * Retry-After for a request refused as overloaded: the time the quickest forecast lane needs to drain what it
   * holds now (then a retry finds no full batch ahead of it). At least 1 ms.
   */
  drainMs(eligible: Readonly<Record<LaneId, boolean>>, statuses: Readonly<Record<LaneId, LaneStatus>>, rules: Readonly<Record<LaneId, LanePlan>>, waiting: Readonly<Record<LaneId, number>>, nowMs: number): number {
    let best = Infinity;
    for (const lane of LANE_IDS) {
      if (!eligible[lane]) continue;
      const rate = this.ratePerMs(lane, statuses[lane], rules[lane], waiting[lane], nowMs);
      if (rate !== undefined && rate > 0) best = Math.min(best, waiting[lane] / rate);
    }
    return Number.isFinite(best) ? Math.max(1, Math.ceil(best)) : 1;
  }
}
