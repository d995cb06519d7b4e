/**
 * The edge lane's attainment model (attainment.ts describes the shapes): where the edge settles at a rate, batch
 * size and timeout (edgeFixedPoint, edgeSettled), and how its latencies spread there (edgeShape).
 */
import type { PlannerInput } from './input.js';
import { fractionWithinThinned, IDLE, NOTHING, residualQuantiles, shareWithin, effectiveTimeoutMs, type LaneAttainment, type LatencyShape, type ShapePart } from './attainment.js';
import { latencyAt, linkCapacityRps, transferMs } from './lane-model.js';
import { edgeBusyMs } from './lane-choices.js';

/** How many requests arrive at `rateRps` while a batch with relative residual rp is served (at least the one). */
function arrivedDuring(busyMs: number, rp: number, rateRps: number): { spanMs: number; arrived: number } {
  const spanMs = busyMs * Math.max(0, 1 + rp);
  return { spanMs, arrived: Math.max(1, (rateRps * spanMs) / 1000) };
}

/** The residuals afterPreviousBatch spreads a busy lane's batches over. */
function busyResiduals(allResiduals: readonly number[]): readonly number[] {
  return allResiduals.length > 0 ? residualQuantiles(allResiduals) : [0];
}

/** The largest residual afterPreviousBatch spreads over: its batches gather the most (batchLimitBinds). */
export function longestBusyResidual(allResiduals: readonly number[]): number {
  return Math.max(...busyResiduals(allResiduals));
}

/**
 * Whether the batch limit shapes afterPreviousBatch's parts: only when more than `limit` arrive during the longest
 * batch (`longestResidual`, longestBusyResidual; each step of that count is monotone in the residual, rounding
 * included). When it does not, the parts are the same as with any larger limit.
 */
export function batchLimitBinds(busyMs: number, longestResidual: number, rateRps: number, limit: number): boolean {
  return arrivedDuring(busyMs, longestResidual, rateRps).arrived > limit;
}

/** Visits one part of a shape: its weight, gathering span, fixed and service times (ShapePart). */
type PartVisitor = (weight: number, spanMs: number, fixedMs: number, serviceMs: number) => void;

/**
 * A busy lane's requests arrive while the batch before theirs is served, and wait out the rest of it: one part per
 * residual rp of that batch's service busy (1 + rp). A longer batch is more likely to be the one arrived into
 * (weight 1 + rp), makes its arrivals wait longer, and gathers more of them into the next batch, which then runs
 * longer too: the mean batch alone misses all three. When more arrive than the batch limit takes, the rest wait
 * for one more batch. Visits the parts in order, each fixed time plus `shiftMs`.
 */
function afterPreviousBatch(input: PlannerInput, busyMs: number, rateRps: number, limit: number, shiftMs: number, visit: PartVisitor): void {
  const residuals = busyResiduals(input.profiles.edge.relativeResiduals);
  const mean = input.profiles.edge.mean;
  let total = 0;
  for (const rp of residuals) total += Math.max(0, 1 + rp);
  for (const rp of residuals) {
    const { spanMs, arrived } = arrivedDuring(busyMs, rp, rateRps);
    const weight = Math.max(0, 1 + rp) / total;
    const size = Math.min(limit, arrived);
    const serviceMs = latencyAt(mean, size);
    if (arrived <= limit) {
      visit(weight, spanMs, edgeWireMs(input, size) + shiftMs, serviceMs);
    } else {
      const taken = limit / arrived;
      const later = Math.min(limit, arrived - limit);
      visit(weight * taken, spanMs, edgeWireMs(input, size) + shiftMs, serviceMs);
      visit(weight * (1 - taken), spanMs, edgeWireMs(input, later) + serviceMs + shiftMs, latencyAt(mean, later));
    }
  }
}

/** An edge batch of n on the wire: its transfer over the edge's link and the round trip. */
function edgeWireMs(input: PlannerInput, n: number): number {
  return transferMs(n, input.payloadBytes, input.bandwidthMbps.edge) + input.rttMs.edge;
}

/** What the queue assumes an edge batch of n takes at the tail: p99 service, its transfer and the round trip. */
function edgeTailMs(input: PlannerInput, n: number): number {
  return latencyAt(input.profiles.edge.p99, n) + edgeWireMs(input, n);
}

/** What an edge fixed point's rounds met (see edgeFixedPoint): the most arrivals per cycle, the longest gathering wait, the least slack. */
export interface FixedPointReach {
  arrivals: number;
  waitMs: number;
  /** The least SLO left after a batch's tail, over the rounds. */
  slackMs: number;
}

/**
 * The batch size the edge settles at with batch size b and timeout T at rate x: the fixed point of
 * n = clamp(x * max(busy(n), gather(n))), damped; a few rounds settle it (busy is linear in n). A batch gathers
 * for the timeout the queue applies (at most what the SLO leaves after its tail), and no longer than b - 1 more
 * arrivals take (fillMs). `reach` records what the rounds met, so a memo can tell which other runs would have gone
 * the same way (edge-memo.ts): with b = Infinity neither bound binds, and another b at least the most arrivals
 * whose fillMs is at least the longest wait runs alike; with `fillOnly` a batch always gathers for its fillMs,
 * as any timeout at least fillMs does while the slack stays at least fillMs.
 */
export function edgeFixedPoint(input: PlannerInput, batch: number, timeoutMs: number, rateRps: number, reach?: FixedPointReach, fillOnly = false): number {
  const fillMs = (1000 * (batch - 1)) / rateRps;
  let n = 1;
  for (let round = 0; round < 30; round += 1) {
    const tailMs = edgeTailMs(input, n);
    const waitMs = effectiveTimeoutMs(input.sloMs, timeoutMs, tailMs);
    const cycle = Math.max(edgeBusyMs(input, n), fillOnly ? fillMs : Math.min(waitMs, fillMs));
    const arrivals = Math.max(1, (rateRps * cycle) / 1000);
    if (reach) {
      reach.arrivals = Math.max(reach.arrivals, arrivals);
      reach.waitMs = Math.max(reach.waitMs, waitMs);
      reach.slackMs = Math.min(reach.slackMs, input.sloMs - tailMs);
    }
    const next = 0.5 * n + 0.5 * Math.min(batch, arrivals);
    // Settled to the last bit: every round left would repeat this one.
    if (next === n) break;
    n = next;
  }
  return n;
}

/** The edge settled at batch size n: its busy time per batch, its capacity at full batches, how long a batch gathers. */
export interface EdgeSettled {
  readonly n: number;
  readonly busyMs: number;
  readonly capacityRps: number;
  readonly gatherMs: number;
}

export function edgeSettled(input: PlannerInput, batch: number, timeoutMs: number, rateRps: number, n: number): EdgeSettled {
  return {
    n,
    busyMs: edgeBusyMs(input, n),
    capacityRps: (1000 * batch) / edgeBusyMs(input, batch),
    gatherMs: Math.min(effectiveTimeoutMs(input.sloMs, timeoutMs, edgeTailMs(input, n)), (1000 * (batch - 1)) / rateRps),
  };
}

/** Past its capacity, how much later than a request's own batch the served ones start: as late as the deadline rule lets them. */
export function edgeOverloadShiftMs(input: PlannerInput, settled: EdgeSettled): number {
  return Math.max(0, input.sloMs - latencyAt(input.profiles.edge.mean, settled.n) - edgeWireMs(input, settled.n) - settled.busyMs);
}

/**
 * How the edge spreads its latencies, settled (edgeSettled) with batch size b at rate x. Past its capacity
 * (b / busy(b) < x) the excess is refused by the deadline rule and those served have queued nearly until their
 * deadline: the model credits them with a wait that starts where the deadline rule would drop them. When busy, at
 * capacity or below, a request's wait is spread over the batch before its own (afterPreviousBatch); the served
 * past capacity arrive at the capacity's rate. At a light load a request waits for its batch to gather.
 */
export function edgeShape(input: PlannerInput, batch: number, rateRps: number, settled: EdgeSettled): LatencyShape {
  const parts: ShapePart[] = [];
  const served = edgeParts(input, batch, rateRps, settled, (weight, spanMs, fixedMs, serviceMs) => parts.push({ weight, fixedMs, serviceMs, spanMs }));
  return { served, parts, residuals: input.profiles.edge.relativeResiduals };
}

/**
 * edgeShape and shareWithin(that shape, input.sloMs) in one walk over its parts: the fraction summed part by part
 * as shareWithin sums it, so the same number to the last bit.
 */
export function edgeShapeWithFraction(input: PlannerInput, batch: number, rateRps: number, settled: EdgeSettled): { shape: LatencyShape; fraction: number } {
  const residuals = residualQuantiles(input.profiles.edge.relativeResiduals);
  const sloMs = input.sloMs;
  const parts: ShapePart[] = [];
  let sum = 0;
  const served = edgeParts(input, batch, rateRps, settled, (weight, spanMs, fixedMs, serviceMs) => {
    parts.push({ weight, fixedMs, serviceMs, spanMs });
    sum += weight * fractionWithinThinned(sloMs, fixedMs, serviceMs, spanMs, residuals);
  });
  return { shape: { served, parts, residuals: input.profiles.edge.relativeResiduals }, fraction: served * sum };
}

/**
 * shareWithin(edgeShape(...), input.sloMs) without building the shape: the same parts in the same order, summed
 * the same way, so the same number to the last bit (the plan search needs only this at a link's spread points).
 */
export function edgeShapeFraction(input: PlannerInput, batch: number, rateRps: number, settled: EdgeSettled): number {
  const residuals = residualQuantiles(input.profiles.edge.relativeResiduals);
  const sloMs = input.sloMs;
  let sum = 0;
  const served = edgeParts(input, batch, rateRps, settled, (weight, spanMs, fixedMs, serviceMs) => {
    sum += weight * fractionWithinThinned(sloMs, fixedMs, serviceMs, spanMs, residuals);
  });
  return served * sum;
}

/** Visits edgeShape's parts in order; returns the fraction of requests served. */
function edgeParts(input: PlannerInput, batch: number, rateRps: number, settled: EdgeSettled, visit: PartVisitor): number {
  const { busyMs, capacityRps } = settled;
  if (capacityRps < rateRps) {
    afterPreviousBatch(input, busyMs, capacityRps, batch, edgeOverloadShiftMs(input, settled), visit);
    return capacityRps / rateRps;
  }
  if (settled.gatherMs >= busyMs) visit(1, settled.gatherMs, edgeWireMs(input, settled.n), latencyAt(input.profiles.edge.mean, settled.n));
  else afterPreviousBatch(input, busyMs, rateRps, batch, 0, visit);
  return 1;
}

/** The edge's attainment, settled (edgeSettled) with batch size b at rate x, for its shape and that shape's fraction in time. */
export function edgeOutcome(batch: number, rateRps: number, settled: EdgeSettled, shape: LatencyShape, fraction: number): LaneAttainment {
  const expectedBatch = settled.capacityRps < rateRps ? batch : settled.n;
  return { fraction, expectedBatch, utilisation: (rateRps * settled.busyMs) / (1000 * expectedBatch), costPerRequestUsd: 0, shape };
}

/**
 * The edge at rate x with batch size b and timeout T. It serves one batch at a time and the queue hands it a
 * batch whenever it is free, so it settles where a batch holds what arrives while the previous one is served:
 * n = x busy(n), if that fits in b; at a light load batches close on the timeout instead, n = 1 + x T
 * (edgeFixedPoint); then its latencies spread as edgeShape says.
 */
export function edgeAttainmentOnLink(input: PlannerInput, batch: number, timeoutMs: number, rateRps: number): LaneAttainment {
  if (!(rateRps > 0)) return IDLE;
  if (rateRps > edgeLinkCapacityRps(input)) return NOTHING;
  const settled = edgeSettled(input, batch, timeoutMs, rateRps, edgeFixedPoint(input, batch, timeoutMs, rateRps));
  const shape = edgeShape(input, batch, rateRps, settled);
  return edgeOutcome(batch, rateRps, settled, shape, shareWithin(shape, input.sloMs));
}

/** The most the edge's link carries at all: past it nothing arrives in time. */
export function edgeLinkCapacityRps(input: PlannerInput): number {
  return linkCapacityRps(input.payloadBytes, input.bandwidthMbps.edge, 1);
}

