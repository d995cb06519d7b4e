/**
 * The scheduler's loop. It owns the only timers: it feeds requests to the pure queue policy (VirtualQueue), carries
 * out its decisions (dispatch a batch to a lane, reject, or sleep until the next deadline or timeout), and answers
 * every admitted request exactly once: with its result, or with an error saying why.
 *
 * A batch that fails on one lane is retried once on the other while every request in it can still make its
 * deadline there; otherwise each request gets the lane's error.
 */
import { randomUUID } from 'node:crypto';
import { EngineError } from '../../../shared/core/errors.js';
import { VirtualQueue, type QueueOptions, type QueueSnapshot } from '../../../shared/core/queue/index.js';
import { LaneClock, type InFlightBatch } from '../../../shared/core/queue/lane-clock.js';
import { expectedComputeMs } from '../../../shared/core/queue/lane-times.js';
import type { LaneId, Plan, Priority, ProfileSet, QueuedRequest } from '../../../shared/core/types.js';
import type { BatchItem } from '../../../shared/protocol/batch.js';
import type { BatchOutcome } from '../lanes/batch-runner.js';
import type { Lane } from '../lanes/lane.js';
import type { InferAnswer } from './answer.js';
import { laneStatuses, serverlessModel, type LinkEstimate } from './lane-estimates.js';
import type { EngineObserver } from './observer.js';
import { PendingRequests } from './pending.js';

export interface EngineOptions {
  /** Typical request size, for transfer estimates before a batch's real size is known. */
  readonly payloadBytes: number;
  readonly queue?: Partial<QueueOptions>;
  readonly now: () => number;
}

export interface SubmitInput {
  readonly data: Uint8Array;
  readonly contentType: string;
  readonly priority: Priority;
  /** Relative deadline (ms) the client asked for; capped at the SLO. */
  readonly deadlineMs?: number;
}

/** What the planning side changes live: the SLO, the plan, the profiles and the link estimates. */
export interface EngineContext {
  sloMs: number;
  plan: Plan;
  profiles: ProfileSet;
  links: Record<LaneId, LinkEstimate>;
}

const OTHER_LANE: Record<LaneId, LaneId> = { edge: 'serverless', serverless: 'edge' };

const REFUSAL: Record<string, (retryAfterMs: number) => EngineError> = {
  queue_full: (retryAfterMs) => new EngineError('queue_full', 'The queue is full; retry later', retryAfterMs),
  // 429 like a full queue: the request is fine, the lanes are saturated; Retry-After is the backlog's drain time.
  overloaded: (retryAfterMs) =>
    new EngineError('queue_full', `Overloaded: no lane can answer before the deadline behind its current backlog; retry in about ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`, retryAfterMs),
  shed: (retryAfterMs) => new EngineError('queue_full', 'Shed to make room for higher-priority requests; retry later', retryAfterMs),
  deadline_unreachable: () => new EngineError('deadline_exceeded', 'No lane can answer before the deadline'),
  no_lane: () => new EngineError('no_lane', 'No lane is healthy'),
};

export class SchedulerEngine {
  private readonly queue: VirtualQueue;
  private readonly pending = new PendingRequests();
  private timer: NodeJS.Timeout | undefined;
  private timerDueMs = Infinity;
  private arrivalsSinceTick = 0;
  private pumping = false;
  private stopped = false;
  /**
   * What each lane is still busy with. The edge: one GPU serving batches in turn, behind the Orin's one WAN link.
   * FC: instances side by side, each call on its own connection inside the region (no shared link to queue on).
   */
  private readonly clocks: Readonly<Record<LaneId, LaneClock>> = {
    edge: new LaneClock({ oneServer: true, sharedLink: true }),
    serverless: new LaneClock({ oneServer: false, sharedLink: false }),
  };

  constructor(
    private readonly lanes: Readonly<Record<LaneId, Lane>>,
    readonly context: EngineContext,
    private readonly options: EngineOptions,
    private readonly observer: EngineObserver = {},
  ) {
    this.queue = new VirtualQueue(options.queue);
  }

  /** Admits a request (or refuses it at once) and resolves with its own answer. Never leaves it unanswered. */
  submit(input: SubmitInput): Promise<InferAnswer> {
    if (this.stopped) return Promise.reject(new EngineError('no_lane', 'The scheduler is shutting down'));
    const nowMs = this.options.now();
    const relative = Math.min(input.deadlineMs ?? this.context.sloMs, this.context.sloMs);
    const request: QueuedRequest = {
      id: randomUUID(),
      arrivalMs: nowMs,
      deadlineMs: nowMs + relative,
      priority: input.priority,
      bytes: input.data.byteLength,
    };
    this.arrivalsSinceTick += 1;
    const outcome = this.queue.admit(request, this.context.plan, this.statuses(nowMs), nowMs);
    if (outcome.kind === 'refused') {
      const error = REFUSAL[outcome.reason]!(outcome.retryAfterMs);
      this.observer.requestFailed?.({ id: request.id, error, waitedMs: 0 });
      return Promise.reject(error);
    }
    const answer = this.pending.add(request, input.data, input.contentType);
    for (const evicted of outcome.evicted) this.fail(evicted, REFUSAL.shed!(this.context.sloMs), nowMs);
    this.pump();
    return answer;
  }

  /** Arrivals counted since the last call (the planning ticker feeds them to the rate detector). */
  takeArrivalCount(): number {
    const count = this.arrivalsSinceTick;
    this.arrivalsSinceTick = 0;
    return count;
  }

  /** Applies a new plan from the next decision; queued requests keep their deadlines. */
  setPlan(plan: Plan): void {
    this.context.plan = plan;
    this.pump();
  }

  /** Re-evaluates after an outside change (lane health, new agent). */
  poke(): void {
    this.pump();
  }

  queueSnapshot(nowMs?: number): QueueSnapshot {
    return this.queue.snapshot(nowMs);
  }

  get inFlightRequests(): number {
    return this.pending.size;
  }

  /** Stops admitting, answers everything still queued with an error, and clears the timer. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const nowMs = this.options.now();
    for (const request of this.queue.drain()) {
      this.fail(request, new EngineError('no_lane', 'The scheduler is shutting down'), nowMs);
    }
  }

  private statuses(nowMs: number) {
    const { plan, profiles, links } = this.context;
    return laneStatuses(this.lanes, this.clocks, plan, profiles, links, this.options.payloadBytes, nowMs);
  }

  /** Runs the policy until it says wait, then sleeps until then. Re-entrant calls are folded into the running one. */
  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      for (;;) {
        const nowMs = this.options.now();
        const decision = this.queue.next(this.context.plan, this.statuses(nowMs), nowMs);
        if (decision.kind === 'dispatch') {
          void this.runBatch(decision.lane, decision.requests, false);
        } else if (decision.kind === 'reject') {
          for (const request of decision.requests) this.fail(request, REFUSAL[decision.reason]!(0), nowMs);
        } else {
          this.sleep(decision.ms, nowMs);
          return;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private sleep(ms: number, nowMs: number): void {
    const dueMs = nowMs + Math.max(0, ms);
    if (!Number.isFinite(dueMs)) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerDueMs = Infinity;
      return;
    }
    if (this.timer && this.timerDueMs <= dueMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueMs = dueMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueMs = Infinity;
      this.pump();
    }, Math.ceil(ms));
  }

  private fail(request: QueuedRequest, error: EngineError, nowMs: number): void {
    if (this.pending.reject(request.id, error)) {
      this.observer.requestFailed?.({ id: request.id, error, waitedMs: nowMs - request.arrivalMs });
    }
  }

  private async runBatch(lane: LaneId, requests: readonly QueuedRequest[], retry: boolean): Promise<void> {
    const batchId = randomUUID();
    const dispatchMs = this.options.now();
    const items: BatchItem[] = [];
    for (const request of requests) {
      const entry = this.pending.get(request.id);
      if (entry) items.push({ id: request.id, contentType: entry.contentType, data: entry.data });
    }
    if (items.length === 0) return;
    const live = requests.filter((request) => this.pending.get(request.id));
    const deadlineMs = Math.min(...live.map((request) => request.deadlineMs));
    const oldestWaitMs = dispatchMs - Math.min(...live.map((request) => request.arrivalMs));
    const serverlessConfig = this.context.plan.serverless;
    this.observer.batchDispatched?.({ lane, batchId, size: items.length, plan: this.context.plan, oldestWaitMs, retry });
    let inFlight: InFlightBatch | undefined;
    try {
      // The call's budget: the batch's p99 time, behind what the lane already has in flight.
      const status = this.statuses(dispatchMs)[lane];
      const expectedMs = status.serviceMs(items.length) + (status.waitMs ?? 0);
      inFlight = this.clockDispatch(lane, items, dispatchMs);
      const outcome = await this.lanes[lane].run({ batchId, items, deadlineMs, expectedMs, ...(lane === 'serverless' ? { serverlessConfig } : {}) });
      this.observer.batchCompleted?.({ lane, batchId, size: items.length, outcome, serverlessConfig, nowMs: this.options.now() });
      this.answer(lane, live, outcome, dispatchMs, retry);
    } catch (error) {
      this.batchFailed(lane, live, batchId, asEngineError(error), retry);
    } finally {
      if (inFlight) this.clocks[lane].answered(inFlight, this.options.now(), this.context.links[lane].bandwidthMbps);
      this.pump();
    }
  }

  /** Puts the batch on its lane's clock: its bytes on the link, then the mean service of its model. */
  private clockDispatch(lane: LaneId, items: readonly BatchItem[], nowMs: number) {
    const { profiles, plan, links } = this.context;
    const model = lane === 'edge' ? profiles.edge : serverlessModel(profiles, plan);
    const bits = items.reduce((sum, item) => sum + item.data.byteLength, 0) * 8;
    return this.clocks[lane].dispatched(nowMs, bits, links[lane].bandwidthMbps, expectedComputeMs(model, items.length, links[lane].rttMs));
  }

  private answer(lane: LaneId, requests: readonly QueuedRequest[], outcome: BatchOutcome, dispatchMs: number, retried: boolean): void {
    const nowMs = this.options.now();
    const { response } = outcome;
    const laneMs = response.timings.totalMs;
    const byId = new Map(response.results.map((result) => [result.id, result]));
    for (const request of requests) {
      const result = byId.get(request.id);
      if (!result || !result.ok) {
        const reason = result && !result.ok ? result.error.message : 'missing from the lane\'s answer';
        this.fail(request, new EngineError('bad_request', `The image could not be processed: ${reason}`), nowMs);
        continue;
      }
      const answer: InferAnswer = {
        id: request.id,
        result: { labels: result.labels },
        placement: lane,
        target: outcome.target,
        batchId: response.batchId,
        batchSize: requests.length,
        retried,
        timings: {
          queueMs: dispatchMs - request.arrivalMs,
          transferMs: Math.max(0, outcome.roundTripMs - laneMs),
          inferenceMs: laneMs,
          totalMs: nowMs - request.arrivalMs,
        },
      };
      if (this.pending.resolve(request.id, answer)) this.observer.requestAnswered?.({ answer, sloMs: this.context.sloMs });
    }
  }

  private batchFailed(lane: LaneId, requests: readonly QueuedRequest[], batchId: string, error: EngineError, retried: boolean): void {
    const nowMs = this.options.now();
    const other = OTHER_LANE[lane];
    const otherStatus = this.statuses(nowMs)[other];
    const canRetry =
      !retried &&
      error.retryable &&
      otherStatus.healthy &&
      otherStatus.freeSlots > 0 &&
      requests.every((request) => request.deadlineMs - nowMs >= otherStatus.serviceMs(requests.length));
    this.observer.batchFailed?.({ lane, batchId, size: requests.length, error, ...(canRetry ? { willRetryOn: other } : {}) });
    if (canRetry) {
      void this.runBatch(other, requests, true);
      return;
    }
    for (const request of requests) this.fail(request, error, nowMs);
  }
}

function asEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  return new EngineError('lane_failed', `Lane call failed: ${(error as Error)?.message ?? String(error)}`, undefined, true);
}
