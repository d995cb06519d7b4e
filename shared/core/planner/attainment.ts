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
import { edgeAttainmentOnLink } from './edge-attainment.js';
import { serverlessAt, serverlessColdFraction } from './lane-choices.js';

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
export const NOTHING: LaneAttainment = { fraction: 0, expectedBatch: 1, utilisation: Infinity, costPerRequestUsd: 0, shape: NO_SHAPE };
export const IDLE: LaneAttainment = { fraction: 1, expectedBatch: 1, utilisation: 0, costPerRequestUsd: 0, shape: { served: 1, parts: [{ weight: 1, fixedMs: 0, serviceMs: 0, spanMs: 0 }], residuals: [] } };

/** Fraction of the lane's requests answered within `withinMs` under this shape. */
export function shareWithin(shape: LatencyShape, withinMs: number): number {
  const residuals = residualQuantiles(shape.residuals);
  let sum = 0;
  for (const part of shape.parts) sum += part.weight * partWithin(part, withinMs, residuals);
  return shape.served * sum;
}

/** Fraction of one part's requests within `withinMs`, over residuals already thinned (residualQuantiles). */
function partWithin(part: Omit<ShapePart, 'weight'>, withinMs: number, residuals: readonly number[]): number {
  return part.firstWait ? fractionWithinFirstWait(withinMs, part.fixedMs, part.serviceMs, part.firstWait, residuals) : fractionWithinThinned(withinMs, part.fixedMs, part.serviceMs, part.spanMs, residuals);
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

const residualRanges = new WeakMap<readonly number[], { readonly lowest: number; readonly highest: number }>();

/**
 * When every residual lands the same way, what the loops over them return, without the loop: 1 when even the
 * largest residual leaves at least `fullMs` of slack (a request with that much waits out its whole span or timeout),
 * 0 when even the smallest leaves none; undefined otherwise. Slack falls with the residual (service time >= 0, and
 * rounding keeps that order), so the extremes decide; n ones sum to exactly n and n / n is 1, as the loop gives.
 */
function uniformOutcome(slackAtMean: number, serviceMs: number, fullMs: number, residuals: readonly number[]): number | undefined {
  if (!(serviceMs >= 0)) return undefined;
  let range = residualRanges.get(residuals);
  if (range === undefined) {
    range = { lowest: Math.min(...residuals), highest: Math.max(...residuals) };
    residualRanges.set(residuals, range);
  }
  const least = slackAtMean - serviceMs * range.highest;
  if (least >= 0 && least >= fullMs) return 1;
  if (slackAtMean - serviceMs * range.lowest < 0) return 0;
  return undefined;
}

/** fractionWithin on residuals already thinned: the inner loop of every plan search (tens of thousands of calls). */
export function fractionWithinThinned(sloMs: number, fixedMs: number, serviceMs: number, spanMs: number, residuals: readonly number[]): number {
  const slackAtMean = sloMs - fixedMs - serviceMs;
  if (residuals.length === 0) return slackAtMean < 0 ? 0 : spanMs <= 0 ? 1 : Math.min(1, slackAtMean / spanMs);
  const uniform = uniformOutcome(slackAtMean, serviceMs, spanMs, residuals);
  if (uniform !== undefined) return uniform;
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
  const uniform = uniformOutcome(slackAtMean, serviceMs, wait.batch <= 1 ? 0 : wait.timeoutMs, residuals);
  if (uniform !== undefined) return uniform;
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

/** What the queue assumes a serverless batch of n takes at the tail: p99 service, its transfer and the round trip. */
export function serverlessTailMs(input: PlannerInput, option: ServerlessOption, n: number): number {
  return latencyAt(option.latency.p99, n) + transferMs(n, input.payloadBytes, input.bandwidthMbps.serverless) + input.rttMs.serverless;
}

/** One batch size a serverless lane closes batches at: the share of requests riding in it and how they wait. */
interface ServerlessSize {
  readonly requestShare: number;
  /** The part of the shape its requests take on a warm instance, but for its weight. */
  readonly warm: Omit<ShapePart, 'weight'>;
  /** Fraction of them within the SLO on a warm instance; on a cold one (computed when first asked, NaN until then). */
  readonly warmWithin: number;
  coldWithin: number;
}

/** What a serverless lane's attainment owes to its batching and link, whatever its warm instances (serverlessWithWarm adds those). */
export interface ServerlessBase {
  readonly gatherTimeoutMs: number;
  readonly expectedBatch: number;
  readonly load: number;
  readonly sizes: readonly ServerlessSize[];
}

/**
 * The serverless lane at rate y with option o, batch size b and timeout T: batches of n = 1 + min(Poisson(y T'),
 * b - 1) gather over T' (the timeout the queue really applies), then share one link: a batch queues behind the
 * others' transfers (an M/D/1 wait at the link's load), crosses it, and runs. The link must carry the rate within
 * its utilisation bound, else nothing counts (NOTHING; IDLE at rate 0).
 */
export function serverlessBase(input: PlannerInput, option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number): ServerlessBase | LaneAttainment {
  if (!(rateRps > 0)) return IDLE;
  if (rateRps > linkCapacityRps(input.payloadBytes, input.bandwidthMbps.serverless, input.bounds.linkMaxUtilisation)) return NOTHING;
  const latency: LatencyModel = option.latency;
  const perRequestMs = transferMs(1, input.payloadBytes, input.bandwidthMbps.serverless);
  const gatherTimeout = effectiveTimeoutMs(input.sloMs, timeoutMs, serverlessTailMs(input, option, batch));
  const n = expectedBatchSize(batch, rateRps, gatherTimeout);
  const load = (rateRps * perRequestMs) / 1000;
  const linkWaitMs = (load * n * perRequestMs) / (2 * (1 - load));
  const residuals = residualQuantiles(latency.relativeResiduals);
  const sizes = batchSizeMix(batch, rateRps, gatherTimeout).map((size): ServerlessSize => {
    // A batch that closed short waited out the whole timeout; a full one, as long as the rest took to arrive.
    const full = size.size === batch;
    const warm = {
      fixedMs: linkWaitMs + size.size * perRequestMs + input.rttMs.serverless + (full ? 0 : gatherTimeout),
      serviceMs: latencyAt(latency.mean, size.size),
      spanMs: 0,
      ...(full ? { firstWait: { batch, rateRps, timeoutMs: gatherTimeout } } : {}),
    };
    return { requestShare: size.requestShare, warm, warmWithin: partWithin(warm, input.sloMs, residuals), coldWithin: Number.NaN };
  });
  return { gatherTimeoutMs: gatherTimeout, expectedBatch: n, load, sizes };
}

/**
 * The serverless lane's attainment with w warm instances on top of its base (serverlessBase): a call may hit a
 * cold start (fewer with more warm instances, see serverlessAt), and the pool must stay within the instance limit,
 * else nothing counts.
 */
export function serverlessWithWarm(input: PlannerInput, option: ServerlessOption, batch: number, rateRps: number, base: ServerlessBase, warmInstances: number): LaneAttainment {
  const costed = serverlessAt(input, option, batch, base.gatherTimeoutMs, rateRps, warmInstances);
  if (costed.load === Infinity) return NOTHING;
  const cold = costed.coldFraction;
  const parts: ShapePart[] = [];
  // The shape's fraction within the SLO, summed as shareWithin sums it, from each size's fractions.
  let within = 0;
  for (const size of base.sizes) {
    const warm: ShapePart = { weight: size.requestShare * (1 - cold), ...size.warm };
    parts.push(warm);
    within += warm.weight * size.warmWithin;
    if (cold > 0) {
      const coldPart = { ...warm, weight: size.requestShare * cold, fixedMs: warm.fixedMs + option.coldStartMs };
      parts.push(coldPart);
      if (Number.isNaN(size.coldWithin)) size.coldWithin = partWithin(coldPart, input.sloMs, residualQuantiles(option.latency.relativeResiduals));
      within += coldPart.weight * size.coldWithin;
    }
  }
  const shape: LatencyShape = { served: 1, parts, residuals: option.latency.relativeResiduals };
  return { fraction: shape.served * within, expectedBatch: base.expectedBatch, utilisation: base.load, costPerRequestUsd: costed.costPerRequestUsd, shape };
}

/**
 * serverlessWithWarm(...).fraction without building the shape: the same weights summed in the same order, so the
 * same number to the last bit (the plan search needs only this at a link's spread points).
 */
export function serverlessWithWarmFraction(input: PlannerInput, option: ServerlessOption, batch: number, rateRps: number, base: ServerlessBase, warmInstances: number): number {
  const cold = serverlessColdFraction(input, option, batch, base.gatherTimeoutMs, rateRps, warmInstances);
  if (cold === undefined) return NOTHING.fraction;
  let within = 0;
  for (const size of base.sizes) {
    within += size.requestShare * (1 - cold) * size.warmWithin;
    if (cold > 0) {
      if (Number.isNaN(size.coldWithin)) size.coldWithin = partWithin({ ...size.warm, fixedMs: size.warm.fixedMs + option.coldStartMs }, input.sloMs, residualQuantiles(option.latency.relativeResiduals));
      within += size.requestShare * cold * size.coldWithin;
    }
  }
  return 1 * within;
}

function serverlessAttainmentOnLink(input: PlannerInput, option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number, warmInstances: number): LaneAttainment {
  const base = serverlessBase(input, option, batch, timeoutMs, rateRps);
  return 'sizes' in base ? serverlessWithWarm(input, option, batch, rateRps, base, warmInstances) : base;
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
  const points = new SpreadPoints(input, lane);
  const steady = evaluate(input);
  for (let point = 1; point < points.inputs.length; point += 1) points.fractions[point] = evaluate(points.inputs[point]!).fraction;
  return points.mean(steady);
}

/**
 * A lane's spread points as the inputs to evaluate: points within a percent of each other give the same answer to
 * the model's precision, so each such group is evaluated once, at its first point, and one near the estimate
 * itself takes the steady link's answer.
 */
export class SpreadPoints {
  /** The inputs to evaluate: the steady link's first, then one per group of spread points. */
  readonly inputs: PlannerInput[];
  /** Per input past the first, its fraction in time: the caller fills these in before calling `mean`. */
  readonly fractions: Float64Array;
  /** Per spread point, the index in `inputs` of the evaluation it takes; undefined when the link is taken as steady. */
  private readonly evaluations: Int32Array | undefined;

  constructor(input: PlannerInput, lane: LaneId) {
    this.inputs = [input];
    const spread = input.linkSpread?.[lane];
    if (!spread || spread.length === 0) {
      this.evaluations = undefined;
      this.fractions = new Float64Array(1);
      return;
    }
    const steadyKey = Math.round(Math.log(input.bandwidthMbps[lane]) * 100);
    const seen = new Map<number, number>();
    const evaluations = new Int32Array(spread.length);
    spread.forEach((ratio, i) => {
      const mbps = Math.max(MIN_LINK_MBPS, input.bandwidthMbps[lane] * ratio);
      const key = Math.round(Math.log(mbps) * 100);
      let evaluation = seen.get(key);
      if (evaluation === undefined) {
        evaluation = key === steadyKey ? 0 : this.inputs.push({ ...input, bandwidthMbps: { ...input.bandwidthMbps, [lane]: mbps } }) - 1;
        seen.set(key, evaluation);
      }
      evaluations[i] = evaluation;
    });
    this.evaluations = evaluations;
    this.fractions = new Float64Array(this.inputs.length);
  }

  /** The steady answer with the mean fraction in time over the spread points (summed in their order). */
  mean(steady: LaneAttainment): LaneAttainment {
    const evaluations = this.evaluations;
    if (!evaluations) return steady;
    let fraction = 0;
    for (let i = 0; i < evaluations.length; i += 1) {
      const evaluation = evaluations[i]!;
      fraction += evaluation === 0 ? steady.fraction : this.fractions[evaluation]!;
    }
    return { ...steady, fraction: fraction / evaluations.length };
  }
}

/** A link sample this low carries nothing in time (a kilobit per second): the floor keeps the arithmetic finite. */
const MIN_LINK_MBPS = 1e-3;

