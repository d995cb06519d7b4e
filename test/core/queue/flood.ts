/**
 * A small closed world for the overload tests: Poisson arrivals into a VirtualQueue on a virtual clock, and one
 * lane whose batches really take `trueBatchMs(b)` each on `servers` parallel workers, with `slots` batches
 * dispatched at once (slots > servers: batches queue at the lane, as on an edge box with one GPU and a second
 * batch uploading). The queue is told `believedBatchMs` as the lane's mean, which may be wrong: the forecast
 * must calibrate itself from the dispatches. Counts what happened to every request.
 */
import { createRandom } from '../../../shared/core/random.js';
import { VirtualQueue } from '../../../shared/core/queue/index.js';
import type { LaneStatus, QueuedRequest } from '../../../shared/core/types.js';
import { makePlan } from './fixtures.js';

export interface FloodSpec {
  readonly seed: number;
  readonly rateRps: number;
  readonly durationMs: number;
  readonly sloMs: number;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly slots: number;
  readonly servers: number;
  readonly trueBatchMs: (b: number) => number;
  /** What the lane status claims (mean); undefined: no expectedBatchMs, so no forecast. */
  readonly believedBatchMs: ((b: number) => number) | undefined;
  readonly maxQueued: number;
}

export interface FloodOutcome {
  readonly sent: number;
  readonly admitted: number;
  readonly refused: Record<string, number>;
  /** Admitted, then rejected by the queue's deadline rule. */
  readonly rejectedAfterAdmission: number;
  readonly answeredInTime: number;
  readonly answeredLate: number;
  /** Retry-After of every overloaded refusal. */
  readonly overloadedRetryAfterMs: number[];
  /** Ids refused at admission that were later dispatched (must stay empty). */
  readonly refusedThenDispatched: string[];
}

export function runFlood(spec: FloodSpec): FloodOutcome {
  const random = createRandom(spec.seed);
  const queue = new VirtualQueue({ maxQueued: spec.maxQueued });
  const plan = makePlan({ edge: { batchSize: spec.batchSize, timeoutMs: spec.timeoutMs, share: 1 }, serverless: { share: 0 } });
  const inFlight: number[] = []; // completion times of dispatched batches
  const waitingAtLane: Array<{ sizeMs: number; requests: readonly QueuedRequest[] }> = [];
  const running: Array<{ doneMs: number; requests: readonly QueuedRequest[] }> = [];
  const refusedIds = new Set<string>();
  const out: { -readonly [K in keyof FloodOutcome]: FloodOutcome[K] } = {
    sent: 0,
    admitted: 0,
    refused: {},
    rejectedAfterAdmission: 0,
    answeredInTime: 0,
    answeredLate: 0,
    overloadedRetryAfterMs: [],
    refusedThenDispatched: [],
  };
  const status = (): LaneStatus => ({
    healthy: true,
    freeSlots: spec.slots - inFlight.length,
    serviceMs: (b) => spec.trueBatchMs(b) * 1.2,
    expectedServiceMs: spec.trueBatchMs(1),
    ...(spec.believedBatchMs ? { expectedBatchMs: spec.believedBatchMs } : {}),
  });
  const down: LaneStatus = { healthy: false, freeSlots: 0, serviceMs: () => 0 };
  const lanes = () => ({ edge: status(), serverless: down });

  const startRunnable = (nowMs: number) => {
    while (running.length < spec.servers && waitingAtLane.length > 0) {
      const batch = waitingAtLane.shift()!;
      running.push({ doneMs: nowMs + batch.sizeMs, requests: batch.requests });
    }
  };
  let wakeAtMs = Infinity;
  const decide = (nowMs: number) => {
    for (;;) {
      const decision = queue.next(plan, lanes(), nowMs);
      if (decision.kind === 'wait') {
        wakeAtMs = nowMs + decision.ms;
        return;
      }
      if (decision.kind === 'reject') {
        out.rejectedAfterAdmission += decision.requests.length;
        continue;
      }
      for (const request of decision.requests) if (refusedIds.has(request.id)) out.refusedThenDispatched.push(request.id);
      inFlight.push(0);
      waitingAtLane.push({ sizeMs: spec.trueBatchMs(decision.requests.length), requests: decision.requests });
      startRunnable(nowMs);
    }
  };

  let nextArrivalMs = random.exponential(spec.rateRps / 1000);
  for (let guard = 0; guard < 10_000_000; guard += 1) {
    const nextDoneMs = running.reduce((min, r) => Math.min(min, r.doneMs), Infinity);
    const arrivalMs = nextArrivalMs < spec.durationMs ? nextArrivalMs : Infinity;
    const nowMs = Math.min(arrivalMs, nextDoneMs, wakeAtMs);
    if (nowMs === Infinity) break;
    if (nowMs === nextDoneMs) {
      const index = running.findIndex((r) => r.doneMs === nowMs);
      const [done] = running.splice(index, 1);
      inFlight.pop();
      for (const request of done!.requests) {
        if (nowMs <= request.deadlineMs) out.answeredInTime += 1;
        else out.answeredLate += 1;
      }
      startRunnable(nowMs);
    } else if (nowMs === arrivalMs) {
      const request: QueuedRequest = { id: `r${out.sent}`, arrivalMs: nowMs, deadlineMs: nowMs + spec.sloMs, priority: 'high', bytes: 1 };
      out.sent += 1;
      const outcome = queue.admit(request, plan, lanes(), nowMs);
      if (outcome.kind === 'admitted') out.admitted += 1;
      else {
        refusedIds.add(request.id);
        out.refused[outcome.reason] = (out.refused[outcome.reason] ?? 0) + 1;
        if (outcome.reason === 'overloaded') out.overloadedRetryAfterMs.push(outcome.retryAfterMs);
      }
      nextArrivalMs += random.exponential(spec.rateRps / 1000);
    }
    decide(nowMs);
  }
  return out;
}
