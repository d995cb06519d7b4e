/**
 * The predicted fraction of a lane's requests answered within the SLO (its attainment) for a batch size, timeout
 * and arrival rate: the yardstick of best-effort planning, when no plan can promise the SLO's tail to every batch.
 *
 * A request's latency is W + fixed + S(n) (1 + r): W its wait from arrival to dispatch, `fixed` the transfer and
 * round trip, S(n) the mean service line at the batch size n the lane settles at, and r a relative residual of the
 * lane's fitted profile (the measured spread). W is taken as uniform over the span a batch gathers in, which is
 * how requests spread over a batch: the first waits the whole span, the last not at all. So, averaging over the
 * residuals, P(in time) = mean_r clamp((SLO - fixed - S(n)(1 + r)) / span, 0, 1).
 *
 * Times in ms, rates in req/s. A first-order model (no backlog chains, mean batch sizes): it ranks plans, and the
 * simulator, which runs the real queue, measures them.
 */
import type { LatencyModel, ServerlessOption } from '../types.js';
import type { PlannerInput } from './input.js';
import { expectedBatchSize, latencyAt, linkCapacityRps, transferMs } from './lane-model.js';
import { edgeBusyMs, serverlessAt } from './lanes.js';

/**
 * How the model spreads a lane's latencies: a `served` fraction of its requests is answered (the rest is refused
 * past its capacity), each after W ~ Uniform(0, spanMs) + fixedMs + serviceMs (1 + r), plus coldStartMs for a
 * `coldFraction` of them. Nothing is served when `served` is 0.
 */
export interface LatencyShape {
  readonly served: number;
  readonly fixedMs: number;
  readonly serviceMs: number;
  readonly spanMs: number;
  readonly residuals: readonly number[];
  readonly coldFraction: number;
  readonly coldStartMs: number;
}

export interface LaneAttainment {
  /** Predicted fraction of the lane's requests answered within the SLO, 0..1. */
  readonly fraction: number;
  /** The batch size the lane settles at. */
  readonly expectedBatch: number;
  /** Edge: busy fraction (it may pass 1: past capacity). Serverless: link load. */
  readonly utilisation: number;
  /** Serverless only: expected USD per request (edge: 0, its cost is per hour). */
  readonly costPerRequestUsd: number;
  readonly shape: LatencyShape;
}

const NO_SHAPE: LatencyShape = { served: 0, fixedMs: 0, serviceMs: 0, spanMs: 0, residuals: [], coldFraction: 0, coldStartMs: 0 };
const NOTHING: LaneAttainment = { fraction: 0, expectedBatch: 1, utilisation: Infinity, costPerRequestUsd: 0, shape: NO_SHAPE };
const IDLE: LaneAttainment = { fraction: 1, expectedBatch: 1, utilisation: 0, costPerRequestUsd: 0, shape: { ...NO_SHAPE, served: 1 } };

/** Fraction of the lane's requests answered within `withinMs` under this shape. */
export function shareWithin(shape: LatencyShape, withinMs: number): number {
  if (shape.served === 0) return 0;
  const warm = fractionWithin(withinMs, shape.fixedMs, shape.serviceMs, shape.spanMs, shape.residuals);
  const cold = shape.coldFraction > 0 ? fractionWithin(withinMs, shape.fixedMs + shape.coldStartMs, shape.serviceMs, shape.spanMs, shape.residuals) : 0;
  return shape.served * ((1 - shape.coldFraction) * warm + shape.coldFraction * cold);
}

/** The q-quantile of the latency of the requests the lane answers under this shape (ms, to 0.1 ms); 0 if none. */
export function latencyQuantileMs(shape: LatencyShape, q: number): number {
  if (shape.served === 0) return 0;
  const worstResidual = Math.max(0, ...residualQuantiles(shape.residuals));
  let lo = 0;
  let hi = shape.fixedMs + shape.coldStartMs + shape.spanMs + shape.serviceMs * (1 + worstResidual) + 1;
  while (hi - lo > 0.1) {
    const mid = (lo + hi) / 2;
    if (shareWithin(shape, mid) >= q * shape.served) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Residuals kept per profile: evenly spaced quantiles of the measured ones, so a plan search stays in milliseconds. */
const RESIDUAL_POINTS = 32;
const thinnedResiduals = new WeakMap<readonly number[], readonly number[]>();

/** The residuals as at most RESIDUAL_POINTS evenly spaced quantiles (mid-points of equal-mass slices). */
export function residualQuantiles(residuals: readonly number[]): readonly number[] {
  if (residuals.length <= RESIDUAL_POINTS) return residuals;
  let thinned = thinnedResiduals.get(residuals);
  if (thinned === undefined) {
    const sorted = [...residuals].sort((a, b) => a - b);
    thinned = Array.from({ length: RESIDUAL_POINTS }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / RESIDUAL_POINTS)]!);
    thinnedResiduals.set(residuals, thinned);
  }
  return thinned;
}

/** Fraction of latencies W + fixed + S (1 + r) within the SLO, W ~ Uniform(0, spanMs), over the residuals. */
export function fractionWithin(sloMs: number, fixedMs: number, serviceMs: number, spanMs: number, allResiduals: readonly number[]): number {
  const residuals = residualQuantiles(allResiduals);
  const inTime = (r: number) => {
    const slack = sloMs - fixedMs - serviceMs * (1 + r);
    if (slack < 0) return 0;
    return spanMs <= 0 ? 1 : Math.min(1, slack / spanMs);
  };
  if (residuals.length === 0) return inTime(0);
  let sum = 0;
  for (const r of residuals) sum += inTime(r);
  return sum / residuals.length;
}

/**
 * The longest a batch of n may wait before the queue closes it anyway: the queue dispatches once waiting longer
 * would put its first request's deadline within the lane's tail service time (VirtualQueue, `lastSafeAt`).
 */
function effectiveTimeoutMs(sloMs: number, timeoutMs: number, tailMs: number): number {
  return Math.max(0, Math.min(timeoutMs, sloMs - tailMs));
}

/**
 * The edge at rate x with batch size b and timeout T. It serves one batch at a time and the queue hands it a
 * batch whenever it is free, so it settles where a batch holds what arrives while the previous one is served:
 * n = x busy(n), if that fits in b; at a light load batches close on the timeout instead, n = 1 + x T. Past its
 * capacity (b / busy(b) < x) the excess is refused by the deadline rule and those served have queued nearly until
 * their deadline: the model credits them with a wait that starts where the deadline rule would drop them.
 */
export function edgeAttainment(input: PlannerInput, batch: number, timeoutMs: number, rateRps: number): LaneAttainment {
  if (!(rateRps > 0)) return IDLE;
  if (rateRps > linkCapacityRps(input.payloadBytes, input.bandwidthMbps.edge, 1)) return NOTHING;
  const model = input.profiles.edge;
  const fixed = (n: number) => transferMs(n, input.payloadBytes, input.bandwidthMbps.edge) + input.rttMs.edge;
  const tail = (n: number) => latencyAt(model.p99, n) + fixed(n);
  const gatherMs = (n: number) => Math.min(effectiveTimeoutMs(input.sloMs, timeoutMs, tail(n)), (1000 * (batch - 1)) / rateRps);
  // Fixed point of n = clamp(x * max(busy(n), gather)), damped; a few rounds settle it (busy is linear in n).
  let n = 1;
  for (let round = 0; round < 30; round += 1) {
    const cycle = Math.max(edgeBusyMs(input, n), gatherMs(n));
    n = 0.5 * n + 0.5 * Math.min(batch, Math.max(1, (rateRps * cycle) / 1000));
  }
  const busy = edgeBusyMs(input, n);
  const capacityRps = (1000 * batch) / edgeBusyMs(input, batch);
  const service = latencyAt(model.mean, n);
  const common = { serviceMs: service, residuals: model.relativeResiduals, coldFraction: 0, coldStartMs: 0 };
  let shape: LatencyShape;
  if (capacityRps < rateRps) {
    const shift = Math.max(0, input.sloMs - service - fixed(n) - busy);
    shape = { ...common, served: capacityRps / rateRps, fixedMs: fixed(n) + shift, spanMs: busy };
  } else {
    shape = { ...common, served: 1, fixedMs: fixed(n), spanMs: Math.max(busy, gatherMs(n)) };
  }
  const expectedBatch = capacityRps < rateRps ? batch : n;
  return { fraction: shareWithin(shape, input.sloMs), expectedBatch, utilisation: (rateRps * busy) / (1000 * expectedBatch), costPerRequestUsd: 0, shape };
}

/**
 * The serverless lane at rate y with option o, batch size b and timeout T: batches of n = 1 + min(Poisson(y T'),
 * b - 1) gather over T' (the timeout the queue really applies), then share one link: a batch queues behind the
 * others' transfers (an M/D/1 wait at the link's load), crosses it, may hit a cold start, and runs. The link must
 * carry the rate within its utilisation bound and the pool stay within the instance limit, else nothing counts.
 */
export function serverlessAttainment(input: PlannerInput, option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number): LaneAttainment {
  if (!(rateRps > 0)) return IDLE;
  if (rateRps > linkCapacityRps(input.payloadBytes, input.bandwidthMbps.serverless, input.bounds.linkMaxUtilisation)) return NOTHING;
  const latency: LatencyModel = option.latency;
  const perRequestMs = transferMs(1, input.payloadBytes, input.bandwidthMbps.serverless);
  const tail = (n: number) => latencyAt(latency.p99, n) + n * perRequestMs + input.rttMs.serverless;
  const gatherTimeout = effectiveTimeoutMs(input.sloMs, timeoutMs, tail(batch));
  const n = expectedBatchSize(batch, rateRps, gatherTimeout);
  const costed = serverlessAt(input, option, batch, gatherTimeout, rateRps);
  if (costed.load === Infinity) return NOTHING;
  const load = (rateRps * perRequestMs) / 1000;
  const linkWaitMs = (load * n * perRequestMs) / (2 * (1 - load));
  const shape: LatencyShape = {
    served: 1,
    fixedMs: linkWaitMs + n * perRequestMs + input.rttMs.serverless,
    serviceMs: latencyAt(latency.mean, n),
    spanMs: Math.min(gatherTimeout, (1000 * (n - 1)) / rateRps),
    residuals: latency.relativeResiduals,
    coldFraction: costed.coldFraction,
    coldStartMs: option.coldStartMs,
  };
  return { fraction: shareWithin(shape, input.sloMs), expectedBatch: n, utilisation: load, costPerRequestUsd: costed.costPerRequestUsd, shape };
}
