/**
 * The discrete-event simulator for one policy: arrivals from the trace, the production VirtualQueue driven as the
 * scheduler loop drives it (call `next` until `wait`, a virtual timer for `wait.ms`, call again on arrivals,
 * lane frees and plan changes), transfers over the lanes' links, service times from the fitted profiles with their
 * relative residuals as noise, Function Compute instances, and cost from the CU price model.
 */
import { latencyAt } from '../planner/lane-model.js';
import { nearestServerlessOption } from '../planner/lane-choices.js';
import { poissonQuantile } from '../stats/poisson-quantile.js';
import { coldStartCostUsd, edgeCostUsd, serverlessCallCostUsd } from '../pricing/index.js';
import { VirtualQueue } from '../queue/index.js';
import { RecentLinkEstimate } from '../control/recent-link.js';
import { LaneClock, type InFlightBatch } from '../queue/lane-clock.js';
import { hedgeAtMs, hedgeChunkSize, predictedLate, tailSpreadMs } from '../queue/hedge.js';
import { clockedStatus, expectedComputeMs, laneTimes, type LaneLink, type LaneTimes } from '../queue/lane-times.js';
import { meanBandwidth, type BandwidthTrace } from '../traces/bandwidth-trace.js';
import { LANE_IDS, type LaneId, type LaneStatus, type LatencyModel, type Plan, type ProfileSet, type QueuedRequest, type ServerlessOption } from '../types.js';
import type { SimOptions } from './config.js';
import { EventHeap } from './event-heap.js';
import { EdgeBox, InstancePool, Link, type Instance } from './simulated-hardware.js';
import { SharedCpu } from './shared-cpu.js';
import type { Observation, SimPolicy } from './policy.js';
import { Recorder } from './recorder.js';
import { summarise, type PolicyRun } from './summary.js';

export type Uniform = () => number;

export interface SimInput {
  /** Sorted arrival instants (ms). */
  readonly arrivalsMs: Float64Array;
  /** Length of the scenario (ms): observations run until then. */
  readonly durationMs: number;
  /** The traced lane's link (options.tracedLane); the other lane has options.fixedLaneMbps. */
  readonly bandwidth: BandwidthTrace;
  readonly profiles: ProfileSet;
  readonly sloMs: number;
}

/** A request of the trace: the queue's request with its index in the trace, where its answer is recorded. */
interface SimRequest extends QueuedRequest {
  readonly index: number;
}

/** A batch on its way: a hedge is the copy of another lane's late batch. */
interface SimBatch {
  readonly lane: LaneId;
  readonly requests: readonly SimRequest[];
  readonly hedge: boolean;
  /** Answered, or abandoned at its deadline: the scheduler is done with it. */
  done: boolean;
  /**
   * The scheduler's slot on the lane, freed when the answer comes or the call is abandoned: an edge slot, or the
   * FC instance of a one-process inference function (options.serverlessSerial); none otherwise.
   */
  readonly slot: 'edge' | Instance | undefined;
  /** The FC instance the call holds until its answer is back (at laneFreeAtMs), even after the scheduler abandoned it. */
  readonly laneInstance: Instance | undefined;
  readonly laneFreeAtMs: number;
  readonly inFlight: InFlightBatch;
}

/** A batch's answers back: the edge frees a slot; FC, the instance (`instance`) that served it. */
type SimEvent =
  | { readonly kind: 'tick'; readonly atMs: number }
  | { readonly kind: 'wake'; readonly atMs: number }
  | { readonly kind: 'hedge'; readonly atMs: number; readonly batch: SimBatch; readonly inFlight: InFlightBatch; readonly tailSpreadMs: number }
  | { readonly kind: 'done'; readonly atMs: number; readonly batch: SimBatch }
  | { readonly kind: 'abandon'; readonly atMs: number; readonly batch: SimBatch }
  | { readonly kind: 'cpu'; readonly atMs: number; readonly version: number }
  | { readonly kind: 'across'; readonly atMs: number; readonly batch: SimBatch; readonly workMs: number }
  | { readonly kind: 'run'; readonly atMs: number; readonly action: (nowMs: number) => void };

const OTHER: Readonly<Record<LaneId, LaneId>> = { edge: 'serverless', serverless: 'edge' };
const NOTHING = () => undefined;

/** The serverless option the plan asks for, or the nearest profiled memory size (as the production lanes do). */
export function serverlessOption(profiles: ProfileSet, plan: Plan): ServerlessOption {
  return nearestServerlessOption(profiles, plan.serverless.memoryMb) ?? profiles.serverless[0]!;
}

export function simulatePolicy(
  input: SimInput,
  policy: SimPolicy,
  options: SimOptions,
  uniform: Uniform,
  onProgress?: (fraction: number) => void,
): PolicyRun {
  const { arrivalsMs, profiles, sloMs } = input;
  const traced = options.tracedLane;
  const links: Record<LaneId, Link> = {
    edge: traced === 'edge' ? new Link(input.bandwidth) : Link.constant(options.fixedLaneMbps),
    serverless: traced === 'serverless' ? new Link(input.bandwidth) : Link.constant(options.fixedLaneMbps),
  };
  const sampleBandwidth = (lane: LaneId, from: number, to: number) => (lane === traced ? meanBandwidth(input.bandwidth, from, to) : options.fixedLaneMbps);
  const edge = new EdgeBox(options.edgeSlots);
  const pool = new InstancePool(options.instanceConcurrency, options.keepAliveMs, options.instanceLimit);
  const queue = new VirtualQueue({ maxQueued: options.maxQueued });
  const heap = new EventHeap<SimEvent>();
  const recorder = new Recorder(arrivalsMs.length);
  const interval = options.intervalMs;

  const observe = (endMs: number, arrivals: number): Observation => ({
    nowMs: endMs,
    intervalMs: interval,
    arrivals,
    bandwidthMbps: { edge: sampleBandwidth('edge', endMs - interval, endMs), serverless: sampleBandwidth('serverless', endMs - interval, endMs) },
  });
  const countUntil = (fromIndex: number, endMs: number) => {
    let i = fromIndex;
    while (i < arrivalsMs.length && arrivalsMs[i]! < endMs) i++;
    return i;
  };
  const firstObservation = observe(interval, countUntil(0, interval));
  let plan = policy.start(firstObservation);
  let bandwidthEstimate: Record<LaneId, number> = { ...firstObservation.bandwidthMbps };

  // Lane time estimates are rebuilt when the plan or the bandwidth estimate changes; free slots and the wait
  // behind batches in flight (the lanes' clocks, kept as the scheduler keeps them) are read live.
  const linksOf = (estimate: Record<LaneId, number>): Record<LaneId, LaneLink> => ({
    edge: { bandwidthMbps: estimate.edge, rttMs: options.assumedRttMs.edge },
    serverless: { bandwidthMbps: estimate.serverless, rttMs: options.assumedRttMs.serverless },
  });
  let estimatedLinks = linksOf(bandwidthEstimate);
  const laneLink = (lane: LaneId) => estimatedLinks[lane];
  // Each simulated lane has one FIFO link (Link); the edge box serves batches in turn when it has one stream.
  const clocks: Record<LaneId, LaneClock> = {
    edge: new LaneClock({ oneServer: true, sharedLink: true }),
    serverless: new LaneClock({ oneServer: false, sharedLink: traced === 'serverless' }),
  };
  // A backlog drains over seconds: the clocks time it on the last seconds' mean bandwidth, or the last second's
  // when lower (the estimate the scheduler times its edge link on), not on one second's swing up.
  const recentLinks: Record<LaneId, RecentLinkEstimate> = { edge: new RecentLinkEstimate(), serverless: new RecentLinkEstimate() };
  const backlogMbps = (lane: LaneId) => recentLinks[lane].estimate(bandwidthEstimate[lane]);
  let times = buildTimes();
  function buildTimes(): Record<LaneId, LaneTimes> {
    const serverless = serverlessOption(profiles, plan).latency;
    return { edge: laneTimes(profiles.edge, laneLink('edge'), options.payloadBytes), serverless: laneTimes(serverless, laneLink('serverless'), options.payloadBytes) };
  }
  const status = (lane: LaneId, freeSlots: number, nowMs: number): LaneStatus =>
    clockedStatus(true, freeSlots, times[lane], clocks[lane], laneLink(lane), options.payloadBytes, nowMs);
  const freeSlotsOf = (lane: LaneId, nowMs: number) => (lane === 'edge' ? edge.freeSlots() : pool.freeSlots(nowMs, plan.serverless));
  // The lanes' statuses change only when a batch leaves or comes back, a plan is installed or the link estimate
  // moves (each counts in lanesChanged): until then, at one instant, the queue's questions (admit, then next) get
  // the statuses already built.
  let lanesChanged = 0;
  let builtAtMs = Number.NaN;
  let builtAfter = -1;
  let built: Record<LaneId, LaneStatus> | undefined;
  const statuses = (nowMs: number): Record<LaneId, LaneStatus> => {
    if (built && builtAtMs === nowMs && builtAfter === lanesChanged) return built;
    built = { edge: status('edge', freeSlotsOf('edge', nowMs), nowMs), serverless: status('serverless', freeSlotsOf('serverless', nowMs), nowMs) };
    builtAtMs = nowMs;
    builtAfter = lanesChanged;
    return built;
  };
  // FC starts a plan's warm instances in the background: they take calls a cold start's time later. The first
  // plan's are in place when the run starts, as a deployment provisions its minimum instances before traffic.
  const warmPool = (nowMs: number, startMs = serverlessOption(profiles, plan).coldStartMs) => pool.setWarm(nowMs, plan.serverless, plan.warmInstances, startMs);
  warmPool(0, 0);
  // The run is a slice of a service that was already running, so FC holds the on-demand instances the opening
  // load keeps busy (sized as if all of it went to FC one request a call), not a pool built from nothing under
  // load in the first second (a cascade of cold starts that belongs to a deployment, not to the hour measured).
  const openingRps = firstObservation.arrivals / (interval / 1000);
  const openingInFlight = (openingRps * latencyAt(serverlessOption(profiles, plan).latency.mean, 1)) / 1000;
  pool.addRunning(0, plan.serverless, options.openingInstances ?? (openingRps > 0 ? poissonQuantile(0.9999, openingInFlight) : 0));
  const installPlan = (next: Plan | undefined, nowMs: number) => {
    if (!next || next === plan) return;
    lanesChanged += 1;
    plan = next;
    recorder.replans.push({ atMs: nowMs, reason: next.reason });
    times = buildTimes();
    warmPool(nowMs);
  };

  const serviceNoise = (model: LatencyModel) => {
    const residuals = model.relativeResiduals;
    if (residuals.length === 0) return 1;
    return Math.max(0.2, 1 + residuals[Math.floor(uniform() * residuals.length)]!);
  };

  // On a shared CPU (options.sharedCpu) a call's compute is a job on it; the edge agent runs one batch at a
  // time (its GPU), the others wait in its queue. Without one, each lane computes on its own hardware.
  const cpu = options.sharedCpu !== undefined ? new SharedCpu(options.sharedCpu) : undefined;
  const scheduleCpu = (nextMs: number) => {
    if (cpu && Number.isFinite(nextMs)) heap.push({ kind: 'cpu', atMs: nextMs, version: cpu.version });
  };
  /** Runs `action` at `atMs` (a batch across its link starts computing then). */
  const at = (atMs: number, action: (nowMs: number) => void) => heap.push({ kind: 'run', atMs, action });
  /** Computes `workMs` from `nowMs`, on the shared CPU or on the lane's own hardware. */
  const compute = (nowMs: number, workMs: number, onDone: (nowMs: number) => void) => {
    if (cpu) scheduleCpu(cpu.start(nowMs, workMs, onDone));
    else at(nowMs + workMs, onDone);
  };
  /**
   * A lane that computes one call at a time, the others waiting their turn: the edge agent (its GPU; a batch
   * the scheduler abandoned before its turn is dropped then, as the agent drops it), and with
   * options.serverlessSerial the local inference function (one process; it computes abandoned calls too).
   */
  const serialLane = (lane: LaneId, dropAbandoned: boolean) => {
    const waiting: Array<{ batch: SimBatch; workMs: number; onComputed: (nowMs: number) => void }> = [];
    let computing = false;
    const startNext = (nowMs: number) => {
      let next = waiting.shift();
      while (dropAbandoned && next && next.batch.done) next = waiting.shift();
      computing = next !== undefined;
      if (!next) return;
      const { batch, onComputed } = next;
      compute(nowMs, next.workMs, (doneMs) => {
        onComputed(doneMs);
        heap.push({ kind: 'done', atMs: doneMs + options.rttMs[lane], batch });
        startNext(doneMs);
      });
    };
    return (nowMs: number, batch: SimBatch, workMs: number, onComputed: (nowMs: number) => void = NOTHING) => {
      waiting.push({ batch, workMs, onComputed });
      if (!computing) startNext(nowMs);
    };
  };
  const edgeGpu = serialLane('edge', true);
  const serverlessProcess = serialLane('serverless', false);

  /** Sends a batch; a hedge is a copy of a late batch (`hedge`), counted apart from the split. False if throttled. */
  const dispatch = (lane: LaneId, requests: readonly SimRequest[], nowMs: number, hedge = false): boolean => {
    const size = requests.length;
    lanesChanged += 1;
    const bits = size * options.payloadBytes * 8;
    let model: LatencyModel;
    // Plain fields, not closures: this runs for every batch.
    let slot: SimBatch['slot'];
    let laneInstance: Instance | undefined;
    let laneFreeAtMs = Number.NaN;
    /** When the answer is back (undefined: on the shared CPU, known when its compute ends). */
    let doneMs: number | undefined;
    /** When the batch is across its link and joins its lane's serial compute queue (NaN: it does not). */
    let acrossAtMs = Number.NaN;
    let serviceMs: number;
    let startCompute: ((batch: SimBatch) => void) | undefined;
    if (lane === 'edge') {
      acrossAtMs = links.edge.send(nowMs, bits);
      model = profiles.edge;
      serviceMs = (model.mean.baseMs + model.mean.perItemMs * size) * serviceNoise(model);
      edge.acquire();
      slot = 'edge';
    } else {
      const option = serverlessOption(profiles, plan);
      const acquired = pool.acquire(nowMs, plan.serverless);
      if (!acquired) {
        // Throttled by the instance limit: production answers these requests with a retryable 429 after the
        // queue let them through on stale slot counts; the queue reads live slots, so this is only a guard.
        if (!hedge) recorder.reject(size);
        return false;
      }
      const arrived = links.serverless.send(nowMs, bits);
      model = option.latency;
      const callMs = (model.mean.baseMs + model.mean.perItemMs * size) * serviceNoise(model);
      serviceMs = callMs;
      const coldMs = acquired.cold ? option.coldStartMs : 0;
      const callUsd = serverlessCallCostUsd(options.prices, plan.serverless, serviceMs) + (acquired.cold ? coldStartCostUsd(options.prices, plan.serverless, coldMs) : 0);
      recorder.serverlessUsd += callUsd;
      if (hedge) recorder.hedges.usd += callUsd;
      // The instance is busy until its compute ends, even when the scheduler abandoned the call before.
      if (options.serverlessSerial) {
        // One process: the scheduler's slot (the instance here) frees when it has the answer or gives up.
        slot = acquired.instance;
        acrossAtMs = arrived + coldMs;
      } else if (cpu) {
        startCompute = (batch) =>
          at(arrived + coldMs, (t) =>
            compute(t, callMs, (end) => {
              pool.release(acquired.instance, end);
              heap.push({ kind: 'done', atMs: end + options.rttMs.serverless, batch });
            }),
          );
      } else {
        doneMs = arrived + coldMs + serviceMs + options.rttMs.serverless;
        laneInstance = acquired.instance;
        laneFreeAtMs = doneMs;
      }
    }
    recorder.dispatch(lane, size, nowMs, hedge);
    const inFlight = clocks[lane].dispatched(nowMs, bits, backlogMbps(lane), expectedComputeMs(model, size, options.assumedRttMs[lane]));
    const batch: SimBatch = { lane, requests, hedge, done: false, slot, laneInstance, laneFreeAtMs, inFlight };
    if (!Number.isNaN(acrossAtMs)) heap.push({ kind: 'across', atMs: acrossAtMs, batch, workMs: serviceMs });
    startCompute?.(batch);
    if (doneMs !== undefined) heap.push({ kind: 'done', atMs: doneMs, batch });
    // The scheduler abandons a call at its batch's earliest deadline (the lanes' call timeout): its requests fail.
    let deadlineMs = Infinity;
    for (const request of requests) deadlineMs = Math.min(deadlineMs, request.deadlineMs);
    if (doneMs === undefined || doneMs > deadlineMs) heap.push({ kind: 'abandon', atMs: Math.max(nowMs, deadlineMs), batch });
    if (!hedge && policy.hedges) {
      const other = OTHER[lane];
      // The statuses after this dispatch, which the queue's next question at this instant reads too.
      const hedgeAt = hedgeAtMs(requests, other, statuses(nowMs)[other], nowMs);
      if (hedgeAt !== undefined) heap.push({ kind: 'hedge', atMs: hedgeAt, batch, inFlight, tailSpreadMs: tailSpreadMs(model, size) });
    }
    return true;
  };
  /** Frees the scheduler's slot for the batch (answered or abandoned). */
  const releaseSlot = (batch: SimBatch, nowMs: number) => {
    if (batch.slot === 'edge') edge.release();
    else if (batch.slot !== undefined) pool.release(batch.slot, nowMs);
  };
  const answered = new Uint8Array(arrivalsMs.length);

  let wakeAtMs = Infinity;
  const pump = (nowMs: number) => {
    for (;;) {
      const decision = queue.next(plan, statuses(nowMs), nowMs);
      // The queue hands back the requests it was given: the engine's, with their trace index.
      if (decision.kind === 'dispatch') dispatch(decision.lane, decision.requests as readonly SimRequest[], nowMs);
      else if (decision.kind === 'reject') recorder.reject(decision.requests.length);
      else {
        const at = nowMs + decision.ms;
        if (Number.isFinite(at) && (at < wakeAtMs || wakeAtMs <= nowMs)) {
          wakeAtMs = at;
          heap.push({ kind: 'wake', atMs: at });
        }
        return;
      }
    }
  };

  heap.push({ kind: 'tick', atMs: interval });
  let nextArrival = 0;
  let countedUntil = 0;
  const progressEvery = Math.max(1, Math.floor(arrivalsMs.length / 100));
  for (;;) {
    const arrivalAt = nextArrival < arrivalsMs.length ? arrivalsMs[nextArrival]! : Infinity;
    const eventAt = heap.peekTime();
    if (arrivalAt === Infinity && eventAt === Infinity) break;
    if (arrivalAt < eventAt) {
      const index = nextArrival++;
      recorder.arrival(arrivalAt);
      const request: SimRequest = { id: String(index), arrivalMs: arrivalAt, deadlineMs: arrivalAt + sloMs, priority: 'high', bytes: options.payloadBytes, index };
      const outcome = queue.admit(request, plan, statuses(arrivalAt), arrivalAt);
      if (outcome.kind === 'refused') recorder.reject(1);
      else if (outcome.evicted.length > 0) recorder.reject(outcome.evicted.length);
      pump(arrivalAt);
      if (onProgress && index % progressEvery === 0) onProgress(index / arrivalsMs.length);
      continue;
    }
    const event = heap.pop()!;
    const now = event.atMs;
    // Abandons, compute ends and other actions move the lanes too: statuses are rebuilt after any event.
    lanesChanged += 1;
    if (event.kind === 'wake') {
      if (now === wakeAtMs) wakeAtMs = Infinity;
      pump(now);
    } else if (event.kind === 'hedge') {
      // Still unanswered at the last instant the other lane can make it: if predicted late, send the copy while
      // that lane has room.
      const { batch } = event;
      let deadlineMs = Infinity;
      for (const request of batch.requests) deadlineMs = Math.min(deadlineMs, request.deadlineMs);
      if (!predictedLate(event.inFlight.answerAtMs, event.tailSpreadMs, deadlineMs, now)) continue;
      const other = OTHER[batch.lane];
      const chunk = hedgeChunkSize(other, batch.requests.length);
      for (let i = 0; !batch.done && i < batch.requests.length && freeSlotsOf(other, now) > 0; i += chunk) {
        const copies = batch.requests.slice(i, i + chunk);
        if (dispatch(other, copies, now, true)) recorder.hedges.sent += copies.length;
      }
    } else if (event.kind === 'run') {
      event.action(now);
    } else if (event.kind === 'across') {
      if (event.batch.lane === 'edge') edgeGpu(now, event.batch, event.workMs);
      else serverlessProcess(now, event.batch, event.workMs);
    } else if (event.kind === 'cpu') {
      if (event.version === cpu!.version) scheduleCpu(cpu!.finishDue(now));
    } else if (event.kind === 'abandon') {
      // The call outlived its batch's deadline: the scheduler answers its requests with the error (a hedge's
      // twin may still answer them) and frees its slot; the lane goes on computing it.
      const { batch } = event;
      if (batch.done) continue;
      batch.done = true;
      releaseSlot(batch, now);
      clocks[batch.lane].answered(batch.inFlight, now, backlogMbps(batch.lane));
      pump(now);
    } else if (event.kind === 'done') {
      const { batch } = event;
      if (batch.laneInstance) pool.release(batch.laneInstance, batch.laneFreeAtMs);
      if (batch.done) {
        pump(now);
        continue;
      }
      batch.done = true;
      releaseSlot(batch, now);
      clocks[batch.lane].answered(batch.inFlight, now, backlogMbps(batch.lane));
      let worst = 0;
      for (const request of batch.requests) {
        const index = request.index;
        // The first answer wins; a hedge's twin arriving later is dropped.
        if (answered[index] === 1) continue;
        answered[index] = 1;
        if (batch.hedge) recorder.hedges.won += 1;
        const latency = now - request.arrivalMs;
        worst = Math.max(worst, latency);
        recorder.answer(index, latency, sloMs, batch.lane);
      }
      if (!batch.hedge) installPlan(policy.batchDone?.({ lane: batch.lane, size: batch.requests.length, nowMs: now, worstLatencyMs: worst, sloMs }), now);
      pump(now);
    } else {
      const start = countedUntil;
      countedUntil = countUntil(countedUntil, now);
      const observation = observe(now, countedUntil - start);
      bandwidthEstimate = { ...observation.bandwidthMbps };
      estimatedLinks = linksOf(bandwidthEstimate);
      for (const lane of LANE_IDS) recentLinks[lane].add(bandwidthEstimate[lane]);
      times = buildTimes();
      // The first interval's observation went to policy.start (the initial estimate); later ones go here.
      if (now > interval) installPlan(policy.observe(observation), now);
      recorder.second(Math.floor((now - 1) / 1000), observation.bandwidthMbps, plan);
      if (now < input.durationMs) heap.push({ kind: 'tick', atMs: now + interval });
      pump(now);
    }
  }
  const leftover = queue.drain();
  recorder.reject(leftover.length);
  onProgress?.(1);
  pool.finish(input.durationMs);
  recorder.serverlessUsd += (pool.warmIdleGbMs / 1000) * options.prices.cuPerGbSecond.value * options.prices.usdPerCu.value;
  // The Orin is part of the deployment: its amortised cost is paid whether or not a policy sends it work.
  const edgeUsd = edgeCostUsd(options.prices, input.durationMs);
  return summarise(policy, recorder, {
    requests: arrivalsMs.length,
    sloMs,
    costTotalUsd: edgeUsd + recorder.serverlessUsd,
    coldStarts: pool.coldStarts,
    latencySamples: options.latencySamples,
  });
}
