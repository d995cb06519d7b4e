/**
 * The predicted fraction of a lane's requests answered within the SLO's latency (its attainment) for a batch size,
 * timeout and arrival rate: what the planner compares with the SLO's target, and maximises when none reaches it.
 *
 * A request's latency is W + fixed + S(n) (1 + r): W its wait from arrival to dispatch, `fixed` the transfer and
 * round trip, S(n) the mean service line at the batch size n, and r a relative residual of the lane's fitted
 * profile (the measured spread). On the edge W is taken as uniform over the span a batch gathers in, which is how
 * requests spread over a batch: the first waits the whole span, the last not at all. On FC each batch size is its
 * own part, every request bounded by its batch's first wait (a 99.9% target is decided by the slowest calls of the
 * largest batches). So, averaging over the residuals, P(in time) = mean_r P(W <= SLO - fixed - S(n)(1 + r)).
 *
 * A busy edge is a mixture of such parts, one per length of the batch a request arrived into (afterPreviousBatch):
 * the mean batch alone reads several points high. A lane's link swings: the result is averaged over its recent
 * spread (overLinkSpread).
 *
 * Times in ms, rates in req/s. Still first-order beyond one batch back (no longer backlog chains): it ranks plans,
 * and the simulator, which runs the real queue, measures them (bench/simulate.bench.ts compares the two).
 */
import type { LaneId, LatencyModel, ServerlessOption } from '../types.js';
import type { PlannerInput } from './input.js';
import { expectedBatchSize, latencyAt, linkCapacityRps, transferMs, waitCdf } from './lane-model.js';
import { edgeBusyMs, serverlessAt } from './lanes.js';

/**
 * One way a lane serves its requests: each waits W, then fixedMs + serviceMs (1 + r). W ~ Uniform(0, spanMs), or,
 * with `firstWait`, W as long as the batch's first request waits: Erlang(b - 1, rate) cut off by the timeout. That
 * bounds every request of the batch by its longest wait, which a target of 99.9% needs: the uniform spread puts
 * too little weight on the first request's long waits.
 */
export interface ShapePart {
  /** Fraction of the served requests that go this way. */
  readonly weight: number;
  readonly fixedMs: number;
  readonly serviceMs: number;
  readonly spanMs: number;
  readonly firstWait?: FirstWait;
}

export interface FirstWait {
  readonly batch: number;
  readonly rateRps: number;
  readonly timeoutMs: number;
}

/**
 * How the model spreads a lane's latencies: a `served` fraction of its requests is answered (the rest is refused
 * past its capacity), each along one of the parts (warm or cold; after a short or a long batch before it), with r
 * a relative residual of the lane's profile. Nothing is served when `served` is 0.
 */
export interface LatencyShape {
  readonly served: number;
  readonly parts: readonly ShapePart[];
  readonly residuals: readonly number[];
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

const NO_SHAPE: LatencyShape = { served: 0, parts: [], residuals: [] };
const NOTHING: LaneAttainment = { fraction: 0, expectedBatch: 1, utilisation: Infinity, costPerRequestUsd: 0, shape: NO_SHAPE };
const IDLE: LaneAttainment = { fraction: 1, expectedBatch: 1, utilisation: 0, costPerRequestUsd: 0, shape: { served: 1, parts: [{ weight: 1, fixedMs: 0, serviceMs: 0, spanMs: 0 }], residuals: [] } };

/** Fraction of the lane's requests answered within `withinMs` under this shape. */
export function shareWithin(shape: LatencyShape, withinMs: number): number {
  const residuals = residualQuantiles(shape.residuals);
  let sum = 0;
  for (const part of shape.parts) {
    const within = part.firstWait ? fractionWithinFirstWait(withinMs, part.fixedMs, part.serviceMs, part.firstWait, residuals) : fractionWithinThinned(withinMs, part.fixedMs, part.serviceMs, part.spanMs, residuals);
    sum += part.weight * within;
  }
  return shape.served * sum;
}

/** The q-quantile of the latency of the requests the lane answers under this shape (ms, to 0.1 ms); 0 if none. */
export function latencyQuantileMs(shape: LatencyShape, q: number): number {
  if (shape.served === 0) return 0;
  const worstResidual = Math.max(0, ...residualQuantiles(shape.residuals));
  let lo = 0;
  let hi = Math.max(...shape.parts.map((part) => part.fixedMs + Math.max(part.spanMs, part.firstWait?.timeoutMs ?? 0) + part.serviceMs * (1 + worstResidual))) + 1;
  while (hi - lo > 0.1) {
    const mid = (lo + hi) / 2;
    if (shareWithin(shape, mid) >= q * shape.served) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Residuals kept per profile: evenly spaced quantiles of the measured ones, so a plan search stays in milliseconds.
 * 64 keeps every residual of a profile fitted from up to about 100 samples, the slowest one included: a target of
 * 99.9% asks whether even that one fits.
 */
const RESIDUAL_POINTS = 64;
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
  return fractionWithinThinned(sloMs, fixedMs, serviceMs, spanMs, residualQuantiles(allResiduals));
}

/** fractionWithin on residuals already thinned: the inner loop of every plan search (tens of thousands of calls). */
function fractionWithinThinned(sloMs: number, fixedMs: number, serviceMs: number, spanMs: number, residuals: readonly number[]): number {
  const slackAtMean = sloMs - fixedMs - serviceMs;
  if (residuals.length === 0) return slackAtMean < 0 ? 0 : spanMs <= 0 ? 1 : Math.min(1, slackAtMean / spanMs);
  let sum = 0;
  for (let i = 0; i < residuals.length; i += 1) {
    const slack = slackAtMean - serviceMs * residuals[i]!;
    if (slack >= 0) sum += spanMs <= 0 || slack >= spanMs ? 1 : slack / spanMs;
  }
  return sum / residuals.length;
}

/**
 * The sizes batches close at, 1 + min(Poisson(rate T), b - 1), each with the share of requests that ride in a batch
 * of that size (a batch of k carries k of them): the tail of a serverless lane is its largest batches' slowest calls.
 */
function batchSizeMix(batch: number, rateRps: number, timeoutMs: number): Array<{ size: number; requestShare: number }> {
  if (batch <= 1 || timeoutMs <= 0 || !(rateRps > 0)) return [{ size: 1, requestShare: 1 }];
  const mean = (rateRps * timeoutMs) / 1000;
  const sizes: Array<{ size: number; requestShare: number }> = [];
  let pmf = Math.exp(-mean);
  let below = 0;
  for (let extra = 0; extra < batch - 1; extra += 1) {
    sizes.push({ size: extra + 1, requestShare: (extra + 1) * pmf });
    below += pmf;
    pmf *= mean / (extra + 1);
  }
  sizes.push({ size: batch, requestShare: batch * Math.max(0, 1 - below) });
  const total = sizes.reduce((sum, s) => sum + s.requestShare, 0);
  return sizes.filter((s) => s.requestShare > 0).map((s) => ({ size: s.size, requestShare: s.requestShare / total }));
}

/** Fraction of latencies W + fixed + S (1 + r) within the SLO, W the batch's first request's wait. */
function fractionWithinFirstWait(sloMs: number, fixedMs: number, serviceMs: number, wait: FirstWait, residuals: readonly number[]): number {
  const slackAtMean = sloMs - fixedMs - serviceMs;
  const within = (slack: number) => (slack < 0 ? 0 : waitCdf(slack, wait.batch, wait.rateRps, wait.timeoutMs));
  if (residuals.length === 0) return within(slackAtMean);
  let sum = 0;
  for (let i = 0; i < residuals.length; i += 1) sum += within(slackAtMean - serviceMs * residuals[i]!);
  return sum / residuals.length;
}

/**
 * The longest a batch of n may wait before the queue closes it anyway: the queue dispatches once waiting longer
 * would put its first request's deadline within the lane's tail service time (VirtualQueue, `lastSafeAt`).
 */
export function effectiveTimeoutMs(sloMs: number, timeoutMs: number, tailMs: number): number {
  return Math.max(0, Math.min(timeoutMs, sloMs - tailMs));
}

/**
 * A busy lane's requests arrive while the batch before theirs is served, and wait out the rest of it: one part per
 * residual rp of that batch's service busy (1 + rp). A longer batch is more likely to be the one arrived into
 * (weight 1 + rp), makes its arrivals wait longer, and gathers more of them into the next batch, which then runs
 * longer too: the mean batch alone misses all three. When more arrive than the batch limit takes, the rest wait
 * for one more batch.
 */
function afterPreviousBatch(busyMs: number, allResiduals: readonly number[], rateRps: number, limit: number, timesOf: (size: number) => { fixedMs: number; serviceMs: number }): ShapePart[] {
  const residuals = allResiduals.length > 0 ? residualQuantiles(allResiduals) : [0];
  const total = residuals.reduce((sum, rp) => sum + Math.max(0, 1 + rp), 0);
  return residuals.flatMap((rp) => {
    const spanMs = busyMs * Math.max(0, 1 + rp);
    const weight = Math.max(0, 1 + rp) / total;
    const arrived = Math.max(1, (rateRps * spanMs) / 1000);
    const next = { weight, spanMs, ...timesOf(Math.min(limit, arrived)) };
    if (arrived <= limit) return [next];
    const taken = limit / arrived;
    const later = timesOf(Math.min(limit, arrived - limit));
    return [
      { ...next, weight: weight * taken },
      { weight: weight * (1 - taken), spanMs, fixedMs: later.fixedMs + next.serviceMs, serviceMs: later.serviceMs },
    ];
  });
}

/**
 * The edge at rate x with batch size b and timeout T. It serves one batch at a time and the queue hands it a
 * batch whenever it is free, so it settles where a batch holds what arrives while the previous one is served:
 * n = x busy(n), if that fits in b; at a light load batches close on the timeout instead, n = 1 + x T. Past its
 * capacity (b / busy(b) < x) the excess is refused by the deadline rule and those served have queued nearly until
 * their deadline: the model credits them with a wait that starts where the deadline rule would drop them. When
 * busy, at capacity or below, a request's wait is spread over the batch before its own (afterPreviousBatch); the
 * served past capacity arrive at the capacity's rate.
 */
function edgeAttainmentOnLink(input: PlannerInput, batch: number, timeoutMs: number, rateRps: number): LaneAttainment {
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
  const residuals = model.relativeResiduals;
  const timesOf = (size: number) => ({ fixedMs: fixed(size), serviceMs: latencyAt(model.mean, size) });
  let shape: LatencyShape;
  if (capacityRps < rateRps) {
    const shift = Math.max(0, input.sloMs - service - fixed(n) - busy);
    const parts = afterPreviousBatch(busy, residuals, capacityRps, batch, timesOf).map((part) => ({ ...part, fixedMs: part.fixedMs + shift }));
    shape = { served: capacityRps / rateRps, parts, residuals };
  } else if (gatherMs(n) >= busy) {
    shape = { served: 1, parts: [{ weight: 1, ...timesOf(n), spanMs: gatherMs(n) }], residuals };
  } else {
    shape = { served: 1, parts: afterPreviousBatch(busy, residuals, rateRps, batch, timesOf), residuals };
  }
  const expectedBatch = capacityRps < rateRps ? batch : n;
  return { fraction: shareWithin(shape, input.sloMs), expectedBatch, utilisation: (rateRps * busy) / (1000 * expectedBatch), costPerRequestUsd: 0, shape };
}

/** What the queue assumes a serverless batch of n takes at the tail: p99 service, its transfer and the round trip. */
export function serverlessTailMs(input: PlannerInput, option: ServerlessOption, n: number): number {
  return latencyAt(option.latency.p99, n) + transferMs(n, input.payloadBytes, input.bandwidthMbps.serverless) + input.rttMs.serverless;
}

/**
 * The serverless lane at rate y with option o, batch size b and timeout T: batches of n = 1 + min(Poisson(y T'),
 * b - 1) gather over T' (the timeout the queue really applies), then share one link: a batch queues behind the
 * others' transfers (an M/D/1 wait at the link's load), crosses it, may hit a cold start (fewer with more warm
 * instances, see serverlessAt), and runs. The link must
 * carry the rate within its utilisation bound and the pool stay within the instance limit, else nothing counts.
 */
function serverlessAttainmentOnLink(input: PlannerInput, option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number, warmInstances: number): LaneAttainment {
  if (!(rateRps > 0)) return IDLE;
  if (rateRps > linkCapacityRps(input.payloadBytes, input.bandwidthMbps.serverless, input.bounds.linkMaxUtilisation)) return NOTHING;
  const latency: LatencyModel = option.latency;
  const perRequestMs = transferMs(1, input.payloadBytes, input.bandwidthMbps.serverless);
  const gatherTimeout = effectiveTimeoutMs(input.sloMs, timeoutMs, serverlessTailMs(input, option, batch));
  const n = expectedBatchSize(batch, rateRps, gatherTimeout);
  const costed = serverlessAt(input, option, batch, gatherTimeout, rateRps, warmInstances);
  if (costed.load === Infinity) return NOTHING;
  const load = (rateRps * perRequestMs) / 1000;
  const linkWaitMs = (load * n * perRequestMs) / (2 * (1 - load));
  const cold = costed.coldFraction;
  const parts: ShapePart[] = [];
  for (const size of batchSizeMix(batch, rateRps, gatherTimeout)) {
    // A batch that closed short waited out the whole timeout; a full one, as long as the rest took to arrive.
    const full = size.size === batch;
    const warm: ShapePart = {
      weight: size.requestShare * (1 - cold),
      fixedMs: linkWaitMs + size.size * perRequestMs + input.rttMs.serverless + (full ? 0 : gatherTimeout),
      serviceMs: latencyAt(latency.mean, size.size),
      spanMs: 0,
      ...(full ? { firstWait: { batch, rateRps, timeoutMs: gatherTimeout } } : {}),
    };
    parts.push(warm);
    if (cold > 0) parts.push({ ...warm, weight: size.requestShare * cold, fixedMs: warm.fixedMs + option.coldStartMs });
  }
  const shape: LatencyShape = { served: 1, parts, residuals: latency.relativeResiduals };
  return { fraction: shareWithin(shape, input.sloMs), expectedBatch: n, utilisation: load, costPerRequestUsd: costed.costPerRequestUsd, shape };
}

/** The edge's attainment with batch size b and timeout T at rate x, over its link's spread (edgeAttainmentOnLink). */
export function edgeAttainment(input: PlannerInput, batch: number, timeoutMs: number, rateRps: number): LaneAttainment {
  return overLinkSpread(input, 'edge', (at) => edgeAttainmentOnLink(at, batch, timeoutMs, rateRps));
}

/** The serverless lane's attainment with option o, batch b, timeout T and w warm instances at rate y, over its link's spread. */
export function serverlessAttainment(input: PlannerInput, option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number, warmInstances = 0): LaneAttainment {
  return overLinkSpread(input, 'serverless', (at) => serverlessAttainmentOnLink(at, option, batch, timeoutMs, rateRps, warmInstances));
}

/**
 * A lane's attainment on a link that swings: the mean fraction in time over the link's spread points (each the
 * estimate scaled by one recent sample's ratio to the median), with the steady link's batch size, load, cost and
 * shape. A dead second (a point near 0) serves nothing in time, and the mean says so.
 */
function overLinkSpread(input: PlannerInput, lane: LaneId, evaluate: (input: PlannerInput) => LaneAttainment): LaneAttainment {
  const steady = evaluate(input);
  const spread = input.linkSpread?.[lane];
  if (!spread || spread.length === 0) return steady;
  // Points within a percent of each other give the same answer to the model's precision: evaluate each once.
  const seen = new Map<number, number>();
  let fraction = 0;
  for (const ratio of spread) {
    const mbps = Math.max(MIN_LINK_MBPS, input.bandwidthMbps[lane] * ratio);
    const key = Math.round(Math.log(mbps) * 100);
    let at = seen.get(key);
    if (at === undefined) {
      at = key === Math.round(Math.log(input.bandwidthMbps[lane]) * 100) ? steady.fraction : evaluate({ ...input, bandwidthMbps: { ...input.bandwidthMbps, [lane]: mbps } }).fraction;
      seen.set(key, at);
    }
    fraction += at;
  }
  return { ...steady, fraction: fraction / spread.length };
}

/** A link sample this low carries nothing in time (a kilobit per second): the floor keeps the arithmetic finite. */
const MIN_LINK_MBPS = 1e-3;

