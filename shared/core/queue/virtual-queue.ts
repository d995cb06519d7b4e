/**
 * The virtual queue: a pure batching policy in the style of Triton's dynamic batcher. `admit` applies the queue
 * rules (bound, priorities, reachable deadline, forecast completion behind the backlog, lane assignment); `next`
 * forms batches and answers "dispatch
 * these to this lane", "reject these" or "wait this long". It never reads a clock or sets a timer: the
 * scheduler loop (wall clock) and the simulator (virtual clock) both drive it, with `nowMs` given.
 *
 * The caller loops `next()` until it answers `wait`, carrying out each dispatch or rejection and reflecting a
 * dispatch in the lane's `freeSlots` before the following call; it calls `next()` again when the wait is up, a
 * request is admitted, a lane frees a slot or changes health, or the plan changes.
 *
 * Cost: O(log n) per request admitted, dispatched or rejected (heap) and O(1) per decision otherwise (the
 * backlog forecast is O(1): counts and a running drain-rate estimate); no
 * decision scans the whole queue. Moving requests between lanes (a lane turning unhealthy, a share dropping
 * to 0) is O(n) for the requests moved, which is rare.
 */
import { EngineError, expected } from '../errors.js';
import { LANE_IDS, type LaneId, type LaneStatus, type Plan, type QueuedRequest } from '../types.js';
import { BacklogForecast } from './backlog-forecast.js';
import type { AdmitOutcome, QueueDecision, QueueSnapshot, RefusalReason } from './decisions.js';
import type { QueueEntry } from './entry.js';
import { LanePicker } from './lane-picker.js';
import { LaneQueue } from './lane-queue.js';
import { emptyLaneView, sendWaitMs, serviceTimeMs, viewLanes, type LaneView } from './lane-view.js';
import { resolveQueueOptions, type QueueOptions } from './options.js';
import { checkNow, checkRequest } from './request-check.js';
import { buildSnapshot, zeroTotals } from './snapshot.js';

/**
 * Clock tolerance (1 µs). A batch closes when `now >= closeAt - TIME_EPSILON_MS`, so a caller that sleeps the
 * `ms` it was told and lands a rounding error short of closeAt still closes it. A rule that needs strictly
 * more time to pass (a deadline becoming unreachable) is woken TIME_EPSILON_MS after the instant it turns
 * true. Either way every finite wait is at least TIME_EPSILON_MS, so a virtual clock always moves forward.
 * 1 µs stays above double rounding at epoch-millisecond magnitudes (about 0.25 µs).
 */
export const TIME_EPSILON_MS = 1e-3;

const WAIT_FOREVER: QueueDecision = Object.freeze({ kind: 'wait', ms: Infinity });

/** A request can still make its deadline on a lane whose best case is `bestMs`. */
function reachable(deadlineMs: number, bestMs: number, nowMs: number): boolean {
  return nowMs <= deadlineMs - bestMs;
}

export class VirtualQueue {
  readonly options: QueueOptions;
  private readonly queues: Readonly<Record<LaneId, LaneQueue>> = { edge: new LaneQueue(), serverless: new LaneQueue() };
  private readonly byId = new Map<string, QueueEntry>();
  private readonly picker = new LanePicker();
  private readonly view: LaneView = emptyLaneView();
  /** What `view` was last built from (laneView). */
  private readonly viewOf: { plan?: Plan | undefined; lanes?: Readonly<Record<LaneId, LaneStatus>>; edge?: LaneStatus; serverless?: LaneStatus } = {};
  private readonly candidates: Record<LaneId, boolean> = { edge: false, serverless: false };
  private readonly likely: Record<LaneId, boolean> = { edge: false, serverless: false };
  private readonly lowLimit: number;
  private readonly totals = zeroTotals();
  private readonly forecast = new BacklogForecast();
  private seq = 0;

  constructor(options?: Partial<QueueOptions>) {
    this.options = resolveQueueOptions(options);
    this.lowLimit = Math.ceil(this.options.lowPriorityMaxFraction * this.options.maxQueued);
  }

  get size(): number {
    return this.byId.size;
  }

  depth(lane: LaneId): number {
    const queue = this.queues[lane];
    if (queue === undefined) throw new EngineError('internal', expected('a lane id ("edge" or "serverless")', lane));
    return queue.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  admit(request: QueuedRequest, plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>, nowMs: number): AdmitOutcome {
    checkRequest(request);
    checkNow(nowMs);
    if (this.byId.has(request.id)) throw new EngineError('internal', `Request ${request.id} is already queued`);
    const view = this.laneView(plan, lanes);
    if (!view.anyEligible) return this.refuse('no_lane', this.options.noLaneRetryAfterMs);
    if (!reachable(request.deadlineMs, view.minBestServiceMs, nowMs)) return this.refuse('deadline_unreachable', 0);

    let victim: QueueEntry | undefined;
    const limit = request.priority === 'high' ? this.options.maxQueued : this.lowLimit;
    if (this.size >= limit) {
      victim = request.priority === 'high' ? this.newestLow() : undefined;
      if (victim === undefined) return this.refuse('queue_full', this.retryAfterFullMs(plan, nowMs));
    }
    // Lanes that can make the deadline, also behind the backlog they already hold; none left: refuse now (a
    // prompt 429) rather than admit a request that would wait its deadline away and fail anyway.
    if (!this.markCandidates(request, plan, lanes, nowMs, true)) return this.refuse('overloaded', this.retryAfterOverloadedMs(plan, lanes, nowMs));
    let evicted: QueuedRequest[] = [];
    if (victim !== undefined) {
      this.queues[victim.lane].remove(victim);
      this.byId.delete(victim.request.id);
      this.totals.evicted += 1;
      evicted = [victim.request];
    }
    const lane = this.enqueue(request, this.seq++);
    this.totals.admitted += 1;
    return { kind: 'admitted', lane, evicted };
  }

  next(plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>, nowMs: number): QueueDecision {
    checkNow(nowMs);
    if (this.byId.size === 0) return WAIT_FOREVER;
    const view = this.laneView(plan, lanes);
    if (!view.anyEligible) {
      const requests = this.takeEverything();
      this.totals.rejected.no_lane += requests.length;
      return { kind: 'reject', reason: 'no_lane', requests };
    }

    // Queue rules first (Triton keeps them apart from batch formation): requests no lane can serve in time go.
    const unreachable: QueuedRequest[] = [];
    for (const lane of LANE_IDS) {
      const queue = this.queues[lane];
      for (let due = queue.earliestDue(); due !== undefined; due = queue.earliestDue()) {
        if (reachable(due.request.deadlineMs, view.minBestServiceMs, nowMs)) break;
        queue.removeEarliestDue();
        this.byId.delete(due.request.id);
        unreachable.push(due.request);
      }
    }
    if (unreachable.length > 0) {
      this.totals.rejected.deadline_unreachable += unreachable.length;
      return { kind: 'reject', reason: 'deadline_unreachable', requests: unreachable };
    }

    this.moveStranded(view, plan, lanes, nowMs);

    let wakeAt = Infinity;
    for (const lane of LANE_IDS) {
      const queue = this.queues[lane];
      const status = lanes[lane];
      const waiting = queue.size;
      const rules = plan.lanes[lane];
      if (waiting >= rules.batchSize && view.eligible[lane] && !(status.freeSlots > 0)) this.forecast.noteBlocked(lane);
      if (waiting === 0 || !view.eligible[lane] || !(status.freeSlots > 0)) continue;
      // Its GPU is busy a little longer: a batch not yet full keeps gathering; look again when it can start on more.
      const holdMs = waiting < rules.batchSize ? (status.holdMs?.(waiting) ?? 0) : 0;
      if (holdMs > TIME_EPSILON_MS) {
        wakeAt = Math.min(wakeAt, nowMs + holdMs);
        continue;
      }
      if (waiting >= rules.batchSize) return this.dispatch(lane, rules.batchSize, rules.batchSize, nowMs);
      // Close at the timeout from the first arrival, or earlier if waiting longer would miss a deadline.
      const timeoutAt = queue.oldestArrivalMs() + rules.timeoutMs;
      const lastSafeAt = queue.earliestDue()!.request.deadlineMs - serviceTimeMs(lane, status, waiting) - sendWaitMs(status);
      const closeAt = Math.min(timeoutAt, lastSafeAt);
      if (nowMs >= closeAt - TIME_EPSILON_MS) return this.dispatch(lane, waiting, rules.batchSize, nowMs);
      wakeAt = Math.min(wakeAt, closeAt);
    }

    // Wake just after the earliest moment a request becomes unreachable (to reject it), or unreachable on its
    // own lane while a faster one could still serve it (to move it there).
    for (const lane of LANE_IDS) {
      const due = this.queues[lane].earliestDue();
      if (due === undefined) continue;
      // Every lane still holding requests is eligible here (moveStranded emptied the others); for the fastest
      // lane this instant is when the request becomes unreachable everywhere.
      wakeAt = Math.min(wakeAt, due.request.deadlineMs - view.bestServiceMs[lane] + TIME_EPSILON_MS);
    }
    return Number.isFinite(wakeAt) ? { kind: 'wait', ms: wakeAt - nowMs } : WAIT_FOREVER;
  }

  /** Removes one queued request (its client went away); undefined if it is not queued. */
  remove(id: string): QueuedRequest | undefined {
    const entry = this.byId.get(id);
    if (entry === undefined) return undefined;
    this.queues[entry.lane].remove(entry);
    this.byId.delete(id);
    this.totals.removed += 1;
    return entry.request;
  }

  /** Removes everything (shutdown), oldest first; the caller answers them. */
  drain(): QueuedRequest[] {
    const requests = this.takeEverything();
    this.totals.drained += requests.length;
    return requests;
  }

  /** A read-only view: counts per lane and priority, oldest arrival (and wait, given `nowMs`), totals. */
  snapshot(nowMs?: number): QueueSnapshot {
    return buildSnapshot(this.queues, this.options.maxQueued, this.totals, nowMs);
  }

  /**
   * The view for this plan and these statuses: built afresh unless they are the very objects the last view was
   * built from (a caller asks admit, then next, at one instant with the statuses it built once; the statuses are
   * read-only, so the same objects say the same).
   */
  private laneView(plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>): LaneView {
    const seen = this.viewOf;
    if (seen.plan === plan && seen.lanes === lanes && seen.edge === lanes.edge && seen.serverless === lanes.serverless) return this.view;
    // Forget first: should the checks throw, the next call builds again.
    seen.plan = undefined;
    viewLanes(this.view, plan, lanes);
    seen.plan = plan;
    seen.lanes = lanes;
    seen.edge = lanes.edge;
    seen.serverless = lanes.serverless;
    return this.view;
  }

  /**
   * Marks the lanes that may take `request`: eligible and able to make its deadline at best, and, for a newcomer
   * (`forecast`), not forecast to answer it late behind the backlog the lane already holds. False when none.
   * A newcomer that only some of those lanes are likely to answer in time (see BacklogForecast.likelyAnswerAtMs)
   * goes to one of them, whatever the shares say: the plan's split is for the traffic it expected, and a lane
   * busier than expected right now (a GPU behind, an uplink in a dip) should not take a request another can serve.
   */
  private markCandidates(request: QueuedRequest, plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>, nowMs: number, forecast: boolean): boolean {
    const view = this.view;
    let candidates = 0;
    for (const lane of LANE_IDS) {
      let candidate = view.eligible[lane] && reachable(request.deadlineMs, view.bestServiceMs[lane], nowMs);
      if (candidate && forecast) {
        const answerAt = this.forecast.answerAtMs(lane, lanes[lane], plan.lanes[lane], this.ahead(lane, request), this.queues[lane].size, nowMs);
        candidate = answerAt === undefined || answerAt <= request.deadlineMs;
      }
      this.candidates[lane] = candidate;
      if (candidate) candidates += 1;
    }
    if (forecast && candidates > 1) this.keepLikelyLanes(request, plan, lanes, nowMs);
    return candidates > 0;
  }

  /** Among several candidate lanes, keeps those likely to answer `request` in time, if some are and some not. */
  private keepLikelyLanes(request: QueuedRequest, plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>, nowMs: number): void {
    let likely = 0;
    for (const lane of LANE_IDS) {
      const likelyAt = this.candidates[lane] ? this.forecast.likelyAnswerAtMs(lane, lanes[lane], plan.lanes[lane], this.ahead(lane, request), this.queues[lane].size, nowMs) : Infinity;
      this.likely[lane] = likelyAt === undefined || likelyAt <= request.deadlineMs;
      if (this.likely[lane]) likely += 1;
    }
    if (likely > 0) for (const lane of LANE_IDS) this.candidates[lane] &&= this.likely[lane];
  }

  /** Requests a newcomer would have ahead of it on a lane: every one for a low one, the high ones for a high one. */
  private ahead(lane: LaneId, request: QueuedRequest): number {
    const queue = this.queues[lane];
    return request.priority === 'high' ? queue.high.size : queue.size;
  }

  /** Queues the request on one of the marked candidate lanes, by the plan's shares. */
  private enqueue(request: QueuedRequest, seq: number): LaneId {
    const lane = this.picker.pick(this.candidates, this.view.shares)!;
    const entry: QueueEntry = { request, seq, lane, live: true };
    this.queues[lane].add(entry);
    this.byId.set(request.id, entry);
    return lane;
  }

  /**
   * Moves a queued request to a lane that is eligible and can still make its deadline, by the plan's shares.
   * The caller checked that the fastest eligible lane can, so there is one; no forecast here: the request was
   * admitted already and keeps its chance.
   */
  private place(request: QueuedRequest, seq: number, plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>, nowMs: number): LaneId {
    this.markCandidates(request, plan, lanes, nowMs, false);
    return this.enqueue(request, seq);
  }

  /**
   * Requests waiting for a lane that may no longer take traffic (unhealthy, share 0), or whose own lane can no
   * longer make their deadline while another can, move to another lane, keeping arrival time and deadline.
   */
  private moveStranded(view: LaneView, plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>, nowMs: number): void {
    for (const lane of LANE_IDS) {
      const queue = this.queues[lane];
      if (queue.size === 0) continue;
      if (!view.eligible[lane]) {
        this.picker.reset(lane);
        for (const entry of queue.takeAll()) this.place(entry.request, entry.seq, plan, lanes, nowMs);
        continue;
      }
      for (let due = queue.earliestDue(); due !== undefined; due = queue.earliestDue()) {
        if (reachable(due.request.deadlineMs, view.bestServiceMs[lane], nowMs)) break;
        queue.removeEarliestDue();
        this.place(due.request, due.seq, plan, lanes, nowMs);
      }
    }
  }

  private dispatch(lane: LaneId, count: number, batchSize: number, nowMs: number): QueueDecision {
    const queue = this.queues[lane];
    const requests = queue.takeBatch(count);
    this.forecast.noteDispatch(lane, nowMs, requests.length, queue.size, batchSize);
    for (const request of requests) this.byId.delete(request.id);
    this.totals.dispatched += requests.length;
    this.totals.batches += 1;
    return { kind: 'dispatch', lane, requests };
  }

  private refuse(reason: RefusalReason, retryAfterMs: number): AdmitOutcome {
    this.totals.refused[reason] += 1;
    return { kind: 'refused', reason, retryAfterMs };
  }

  /** The most recently arrived low-priority request, which a high one arriving at a full queue pushes out. */
  private newestLow(): QueueEntry | undefined {
    const edge = this.queues.edge.low.last();
    const serverless = this.queues.serverless.low.last();
    if (edge === undefined || serverless === undefined) return edge ?? serverless;
    const edgeNewer = edge.request.arrivalMs > serverless.request.arrivalMs || (edge.request.arrivalMs === serverless.request.arrivalMs && edge.seq > serverless.seq);
    return edgeNewer ? edge : serverless;
  }

  /**
   * Retry-After for a full queue: about as long as the oldest request has waited (the backlog a retry would
   * join), and no less than the longest batch timeout (the time for batches to close and make room). >= 1 ms.
   */
  private retryAfterFullMs(plan: Plan, nowMs: number): number {
    let oldest = Infinity;
    let longestTimeout = 0;
    for (const lane of LANE_IDS) {
      oldest = Math.min(oldest, this.queues[lane].oldestArrivalMs());
      if (this.view.eligible[lane]) longestTimeout = Math.max(longestTimeout, plan.lanes[lane].timeoutMs);
    }
    const oldestWait = Number.isFinite(oldest) ? nowMs - oldest : 0;
    return Math.max(1, Math.ceil(Math.max(oldestWait, longestTimeout)));
  }

  /** Retry-After for an overloaded refusal: about the time the quickest lane needs to drain its backlog. */
  private retryAfterOverloadedMs(plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>, nowMs: number): number {
    const waiting = { edge: this.queues.edge.size, serverless: this.queues.serverless.size };
    return this.forecast.drainMs(this.view.eligible, lanes, plan.lanes, waiting, nowMs);
  }

  private takeEverything(): QueuedRequest[] {
    const entries: QueueEntry[] = [];
    for (const lane of LANE_IDS) entries.push(...this.queues[lane].takeAll());
    entries.sort((a, b) => a.request.arrivalMs - b.request.arrivalMs || a.seq - b.seq);
    this.byId.clear();
    return entries.map((entry) => entry.request);
  }
}
