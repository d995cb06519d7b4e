/**
 * The scheduler's loop. It owns the only timers: it feeds requests to the pure queue policy (VirtualQueue), carries
 * out its decisions (dispatch a batch to a lane, reject, or sleep until the next deadline or timeout), and answers
 * every admitted request exactly once: with its result, or with an error saying why.
 *
 * A batch that fails on one lane is retried once on the other while every request in it can still make its
 * deadline there; otherwise each request gets the lane's error. A batch still unanswered at the last instant the
 * other lane could answer it in time, and predicted late on its own lane, is hedged: its requests go there too, and
 * the first answer wins.
 */
import { randomUUID } from 'node:crypto';
import { EngineError } from '../../../shared/core/errors.js';
import { VirtualQueue, hedgeAtMs, hedgeChunkSize, predictedLate, tailSpreadMs, type QueueOptions, type QueueSnapshot } from '../../../shared/core/queue/index.js';
import { LaneClock, type InFlightBatch } from '../../../shared/core/queue/lane-clock.js';
import { expectedComputeMs } from '../../../shared/core/queue/lane-times.js';
import type { LaneId, LaneStatus, LatencyModel, Plan, Priority, QueuedRequest } from '../../../shared/core/types.js';
import type { BatchItem } from '../../../shared/protocol/batch.js';
import type { Lane } from '../lanes/lane.js';
import type { InferAnswer } from './answer.js';
import { answerFor, type AnsweredBatch, type BatchKind, type Flight } from './batch-answer.js';
import { HedgeSchedule } from './hedge-schedule.js';
import type { LiveStateCell } from '../live-state.js';
import { LaneTimesCache, laneStatuses, serverlessModel } from './lane-estimates.js';
import type { EngineObserver } from './observer.js';
import { PendingRequests } from './pending.js';
import { REFUSAL, asEngineError } from './refusals.js';
import { WakeTimer } from './wake-timer.js';

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

const OTHER_LANE: Record<LaneId, LaneId> = { edge: 'serverless', serverless: 'edge' };

const bitsOf = (items: readonly BatchItem[]): number => items.reduce((sum, item) => sum + item.data.byteLength, 0) * 8;

export class SchedulerEngine {
  private readonly queue: VirtualQueue;
  private readonly pending = new PendingRequests();
  private readonly hedges: HedgeSchedule;
  private readonly wakeTimer = new WakeTimer(() => this.pump());
  private readonly times = new LaneTimesCache();
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
    /** The plan, profiles, links and SLO in force, which the planning side swaps (live-state.ts). */
    readonly state: LiveStateCell,
    private readonly options: EngineOptions,
    private readonly observer: EngineObserver = {},
  ) {
    this.queue = new VirtualQueue(options.queue);
    this.hedges = new HedgeSchedule(options.now);
  }

  /** Admits a request (or refuses it at once) and resolves with its own answer. Never leaves it unanswered. */
  submit(input: SubmitInput): Promise<InferAnswer> {
    if (this.stopped) return Promise.reject(new EngineError('no_lane', 'The scheduler is shutting down'));
    const nowMs = this.options.now();
    const { sloMs } = this.state;
    const relative = Math.min(input.deadlineMs ?? sloMs, sloMs);
    const request: QueuedRequest = {
      id: randomUUID(),
      arrivalMs: nowMs,
      deadlineMs: nowMs + relative,
      priority: input.priority,
      bytes: input.data.byteLength,
    };
    this.arrivalsSinceTick += 1;
    const statuses = this.statuses(nowMs);
    const outcome = this.queue.admit(request, this.state.current.plan, statuses, nowMs);
    if (outcome.kind === 'refused') {
      const error = REFUSAL[outcome.reason]!(outcome.retryAfterMs);
      this.observer.requestFailed?.({ id: request.id, error, waitedMs: 0 });
      return Promise.reject(error);
    }
    const answer = this.pending.add(request, input.data, input.contentType);
    for (const evicted of outcome.evicted) this.fail(evicted, REFUSAL.shed!(sloMs), nowMs);
    // Admission changed nothing the lanes' statuses depend on: the first decision reuses them.
    this.pump(statuses, nowMs);
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
    this.state.update({ plan });
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

  /** Hedges armed for batches in flight, and whether their timer is set (none may outlive them). */
  get hedgeTimers(): { armed: number; timerSet: boolean } {
    return { armed: this.hedges.size, timerSet: this.hedges.timerSet };
  }

  /** Stops admitting, answers everything still queued with an error, and clears the timers. */
  stop(): void {
    this.stopped = true;
    this.wakeTimer.clear();
    this.hedges.stop();
    const nowMs = this.options.now();
    for (const request of this.queue.drain()) {
      this.fail(request, new EngineError('no_lane', 'The scheduler is shutting down'), nowMs);
    }
  }

  private statuses(nowMs: number) {
    const { plan, profiles, links } = this.state.current;
    return laneStatuses(this.lanes, this.clocks, plan, profiles, links, this.options.payloadBytes, nowMs, this.times);
  }

  /**
   * Runs the policy until it says wait, then sleeps until then. Re-entrant calls are folded into the running one.
   * `fresh`: statuses just computed at `freshAtMs`, for the first decision.
   */
  private pump(fresh?: Record<LaneId, LaneStatus>, freshAtMs?: number): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      for (let first = true; ; first = false) {
        const nowMs = first && fresh ? freshAtMs! : this.options.now();
        const decision = this.queue.next(this.state.current.plan, first && fresh ? fresh : this.statuses(nowMs), nowMs);
        if (decision.kind === 'dispatch') {
          void this.runBatch(decision.lane, decision.requests, 'first');
        } else if (decision.kind === 'reject') {
          for (const request of decision.requests) this.fail(request, REFUSAL[decision.reason]!(0), nowMs);
        } else {
          this.wakeTimer.sleep(decision.ms, nowMs);
          return;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private fail(request: QueuedRequest, error: EngineError, nowMs: number): void {
    if (this.pending.reject(request.id, error)) {
      this.observer.requestFailed?.({ id: request.id, error, waitedMs: nowMs - request.arrivalMs });
    }
  }

  private async runBatch(lane: LaneId, requests: readonly QueuedRequest[], kind: BatchKind): Promise<void> {
    const live = requests.filter((request) => this.pending.get(request.id));
    if (live.length === 0) return;
    const batchId = randomUUID();
    const dispatchMs = this.options.now();
    const items: BatchItem[] = live.map((request) => {
      const entry = this.pending.get(request.id)!;
      this.pending.copySent(request.id);
      return { id: request.id, contentType: entry.contentType, data: entry.data };
    });
    const deadlineMs = Math.min(...live.map((request) => request.deadlineMs));
    const oldestWaitMs = dispatchMs - Math.min(...live.map((request) => request.arrivalMs));
    const { plan } = this.state.current;
    const serverlessConfig = plan.serverless;
    const hedge = kind === 'hedge';
    this.observer.batchDispatched?.({ lane, batchId, size: items.length, plan, oldestWaitMs, retry: kind === 'retry', hedge });
    const flight: Flight = { lane, batchId, requests: live, kind, done: false };
    let inFlight: InFlightBatch | undefined;
    try {
      // The call's budget: the batch's p99 time, behind what the lane already has in flight.
      const statuses = this.statuses(dispatchMs);
      const expectedMs = statuses[lane].serviceMs(items.length) + (statuses[lane].waitMs ?? 0);
      inFlight = this.clockDispatch(lane, items, dispatchMs);
      if (kind === 'first') this.armHedge(flight, inFlight, statuses[OTHER_LANE[lane]], dispatchMs);
      const outcome = await this.lanes[lane].run({ batchId, items, deadlineMs, expectedMs, ...(lane === 'serverless' ? { serverlessConfig } : {}) });
      this.landed(flight);
      this.observer.batchCompleted?.({ lane, batchId, size: items.length, outcome, serverlessConfig, nowMs: this.options.now(), hedge });
      this.answer({ lane, kind, size: items.length, dispatchMs, outcome }, live);
    } catch (error) {
      this.landed(flight);
      const failure = asEngineError(error);
      if (failure.code === 'deadline_exceeded') {
        const nowMs = this.options.now();
        this.observer.callTimedOut?.({ lane, bits: bitsOf(items), elapsedMs: nowMs - dispatchMs, nowMs });
      }
      this.copyFailed(flight, failure);
    } finally {
      if (inFlight) this.clocks[lane].answered(inFlight, this.options.now(), this.state.current.links[lane].bandwidthMbps);
      this.pump();
    }
  }

  /** The batch came back: its hedge, if still waiting, is not needed any more. */
  private landed(flight: Flight): void {
    flight.done = true;
    this.hedges.disarm(flight.armed);
  }

  /** Arms the hedge of a batch just sent: the last instant the other lane can still answer it in time. */
  private armHedge(flight: Flight, clocked: InFlightBatch, otherStatus: LaneStatus, nowMs: number): void {
    const atMs = hedgeAtMs(flight.requests, OTHER_LANE[flight.lane], otherStatus, nowMs);
    if (atMs === undefined) return;
    flight.clocked = clocked;
    flight.tailSpreadMs = tailSpreadMs(this.laneModel(flight.lane), flight.requests.length);
    flight.armed = this.hedges.arm(atMs, () => this.sendHedge(flight));
  }

  /** The batch is still out at its hedge instant: copy its unanswered requests to the other lane while it has room. */
  private sendHedge(flight: Flight): void {
    if (flight.done || this.stopped) return;
    const nowMs = this.options.now();
    const other = OTHER_LANE[flight.lane];
    const unanswered = flight.requests.filter((request) => this.pending.get(request.id));
    if (unanswered.length === 0 || !this.lanes[other].healthy(nowMs)) return;
    const deadlineMs = Math.min(...unanswered.map((request) => request.deadlineMs));
    if (flight.clocked && !predictedLate(flight.clocked.answerAtMs, flight.tailSpreadMs ?? 0, deadlineMs, nowMs)) return;
    const chunk = hedgeChunkSize(other, unanswered.length);
    for (let i = 0; i < unanswered.length && this.lanes[other].freeSlots(nowMs) > 0; i += chunk) {
      const copies = unanswered.slice(i, i + chunk);
      this.observer.hedgeSent?.({ from: flight.lane, lane: other, batchId: flight.batchId, size: copies.length, nowMs });
      void this.runBatch(other, copies, 'hedge');
    }
  }

  /** The latency model the lane's batches follow: the edge's profile, or the plan's FC memory size's. */
  private laneModel(lane: LaneId): LatencyModel {
    const { profiles, plan } = this.state.current;
    return lane === 'edge' ? profiles.edge : serverlessModel(profiles, plan);
  }

  /** Puts the batch on its lane's clock: its bytes on the link, then the mean service of its model. */
  private clockDispatch(lane: LaneId, items: readonly BatchItem[], nowMs: number) {
    const { links } = this.state.current;
    const model = this.laneModel(lane);
    return this.clocks[lane].dispatched(nowMs, bitsOf(items), links[lane].bandwidthMbps, expectedComputeMs(model, items.length, links[lane].rttMs));
  }

  /** The first answer for a request wins; a twin's later answer finds it settled and is dropped. */
  private answer(batch: AnsweredBatch, requests: readonly QueuedRequest[]): void {
    const nowMs = this.options.now();
    const byId = new Map(batch.outcome.response.results.map((result) => [result.id, result]));
    for (const request of requests) {
      const copiesLeft = this.pending.copyReturned(request.id);
      if (copiesLeft === undefined) continue; // answered by its twin already
      const result = byId.get(request.id);
      if (!result || !result.ok) {
        if (copiesLeft > 0) continue; // its twin on the other lane may still answer
        const reason = result && !result.ok ? result.error.message : 'missing from the lane\'s answer';
        this.fail(request, new EngineError('invalid_input', `The image could not be processed: ${reason}`), nowMs);
        continue;
      }
      const answer = answerFor(request, result.labels, batch, nowMs);
      if (this.pending.resolve(request.id, answer)) this.observer.requestAnswered?.({ answer, sloMs: this.state.sloMs });
    }
  }

  /**
   * A copy failed. Requests whose twin is still out are left to it; the others are retried once on the other
   * lane while every deadline among them allows (not after a retry or a hedge), or answered with the error.
   */
  private copyFailed(flight: Flight, error: EngineError): void {
    const { lane, batchId, kind } = flight;
    const orphans = flight.requests.filter((request) => this.pending.copyReturned(request.id) === 0);
    const nowMs = this.options.now();
    const other = OTHER_LANE[lane];
    const otherStatus = this.statuses(nowMs)[other];
    const canRetry =
      kind === 'first' &&
      orphans.length > 0 &&
      error.retryable &&
      otherStatus.healthy &&
      otherStatus.freeSlots > 0 &&
      orphans.every((request) => request.deadlineMs - nowMs >= otherStatus.serviceMs(orphans.length));
    this.observer.batchFailed?.({ lane, batchId, size: flight.requests.length, error, hedge: kind === 'hedge', ...(canRetry ? { willRetryOn: other } : {}) });
    if (canRetry) {
      void this.runBatch(other, orphans, 'retry');
      return;
    }
    for (const request of orphans) this.fail(request, error, nowMs);
  }
}
