import { coldStartCostUsd, serverlessCallCostUsd } from '../pricing/cost.js';
import { poissonQuantile } from '../stats/poisson-quantile.js';
import type { ProfileSet, ServerlessOption } from '../types.js';
import type { PlannerInput } from './input.js';
import { edgeStartQuantileMs, expectedBatchSize, latencyAt, linkCapacityRps, transferMs, waitQuantileMs } from './lane-model.js';

/** One evaluated lane configuration. */
export interface LaneChoice {
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly p99Ms: number;
  readonly expectedBatch: number;
  /** Edge: busy fraction. Serverless: mean concurrent instances. */
  readonly load: number;
  /** Serverless only: expected USD per request routed to it. */
  readonly costPerRequestUsd: number;
  readonly option?: ServerlessOption;
  readonly coldFraction: number;
}

const TOLERANCE_MS = 1e-6;

export const EDGE_BATCH_GRID = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 200, 256, 320, 400, 512];

export function edgeBatchGrid(maxBatch: number): number[] {
  const grid = EDGE_BATCH_GRID.filter((b) => b <= maxBatch);
  if (grid[grid.length - 1] !== maxBatch && maxBatch < 512) grid.push(maxBatch);
  return grid;
}

/**
 * The edge with batch size b at rate x: the timeout is the whole latency budget left after transfer, round
 * trip and the p99 service time (a longer wait only grows batches, which the edge likes: less work per
 * request); feasible when the q-quantile latency fits the SLO and the busy fraction stays under the bound.
 */
export function evaluateEdge(input: PlannerInput, batch: number, rateRps: number): LaneChoice | undefined {
  if (rateRps > linkCapacity(input, 'edge')) return undefined;
  const fixed = edgeFixedMs(input, batch);
  const budget = input.sloMs - fixed;
  if (budget < -TOLERANCE_MS) return undefined;
  const choice = edgeAt(input, batch, batch === 1 ? 0 : Math.max(0, budget), rateRps);
  if (choice.load > input.bounds.edgeMaxUtilisation + 1e-12 || choice.p99Ms > input.sloMs + TOLERANCE_MS) return undefined;
  return choice;
}

/**
 * How long a batch occupies the edge: its service time, or, when the round trip dominates (a fast model, a
 * distant agent), the slot time spread over the batches in flight: the scheduler holds an agent's slot from
 * sending a batch to receiving its answer, so batches of 1 with a 20 ms round trip cannot carry hundreds of
 * requests per second however light the model is.
 */
export function edgeBusyMs(input: PlannerInput, batch: number): number {
  const service = latencyAt(input.profiles.edge.mean, batch);
  const slot = service + transferMs(batch, input.payloadBytes, input.bandwidthMbps.edge) + input.rttMs.edge;
  return Math.max(service, slot / input.bounds.edgeSlots);
}

/** Requests per second the lane's link carries within the utilisation bound. */
function linkCapacity(input: PlannerInput, lane: 'edge' | 'serverless'): number {
  return linkCapacityRps(input.payloadBytes, input.bandwidthMbps[lane], input.bounds.linkMaxUtilisation);
}

function edgeFixedMs(input: PlannerInput, batch: number): number {
  return latencyAt(input.profiles.edge.p99, batch) + transferMs(batch, input.payloadBytes, input.bandwidthMbps.edge) + input.rttMs.edge;
}

/** The edge's predicted tail latency and load for a given batch size, timeout and rate (no feasibility check). */
export function edgeAt(input: PlannerInput, batch: number, timeoutMs: number, rateRps: number): LaneChoice {
  const serviceP99 = latencyAt(input.profiles.edge.p99, batch);
  const expectedBatch = expectedBatchSize(batch, rateRps, timeoutMs);
  const load = (rateRps * edgeBusyMs(input, expectedBatch)) / (1000 * expectedBatch);
  const p99Ms = edgeStartQuantileMs(input.bounds.tailQuantile, batch, rateRps, timeoutMs, serviceP99) + edgeFixedMs(input, batch);
  return { batchSize: batch, timeoutMs, p99Ms, expectedBatch, load, costPerRequestUsd: 0, coldFraction: 0 };
}

/** Among feasible edge batch sizes at this rate, the one with the lowest p99 (then the smaller batch). */
export function bestEdge(input: PlannerInput, rateRps: number): LaneChoice | undefined {
  let best: LaneChoice | undefined;
  for (const batch of edgeBatchGrid(input.bounds.maxBatch.edge)) {
    const choice = evaluateEdge(input, batch, rateRps);
    if (choice && (!best || choice.p99Ms < best.p99Ms - TOLERANCE_MS)) best = choice;
  }
  return best;
}

/**
 * The largest rate (<= rateRps) the edge can carry within the SLO and utilisation bound: per batch size, a
 * bisection on the rate (feasibility holds on an interval from 0: a higher rate only adds load and blocking,
 * while the timeout caps the wait at low rates), then the best over batch sizes.
 */
export function maxEdgeRate(input: PlannerInput, rateRps: number): number {
  if (bestEdge(input, rateRps)) return rateRps;
  let best = 0;
  for (const batch of edgeBatchGrid(input.bounds.maxBatch.edge)) {
    // Even full batches cannot exceed this rate at the utilisation bound.
    const ceiling = Math.min(rateRps, linkCapacity(input, 'edge'), (input.bounds.edgeMaxUtilisation * 1000 * batch) / edgeBusyMs(input, batch));
    if (ceiling <= best) continue;
    let lo = 0;
    let hi = ceiling;
    if (evaluateEdge(input, batch, ceiling)) {
      best = ceiling;
      continue;
    }
    if (!evaluateEdge(input, batch, Math.max(1e-6, best))) continue;
    lo = Math.max(1e-6, best);
    for (let i = 0; i < 30 && hi - lo > 1e-3 * hi; i += 1) {
      const mid = (lo + hi) / 2;
      if (evaluateEdge(input, batch, mid)) lo = mid;
      else hi = mid;
    }
    best = Math.max(best, lo);
  }
  return best;
}

export function serverlessBatchGrid(maxBatch: number): number[] {
  const grid: number[] = [];
  for (let b = 1; b <= Math.min(maxBatch, 24); b += 1) grid.push(b);
  for (let b = 32; b <= maxBatch; b *= 2) grid.push(b);
  return grid;
}

/**
 * The serverless lane with option o and batch size b at rate y. Timeout = the latency budget (cost per
 * request falls as batches grow, so the longest wait the SLO allows is the cheapest). Cold starts: calls
 * arrive at y / E[N]; in-flight calls are Poisson with mean L = call rate x mean duration (M/G/infinity, by
 * Little's law); the warm pool is the q-quantile of that; it is built once per horizon (all cold), and an
 * instance idle past the keep-alive goes cold, so the cold fraction of calls is
 *   pool / (call rate x horizon) + exp(-call rate x keep-alive)
 * (the second term: a single instance's next call comes after an Exp(call rate) gap). When more than 1 - q
 * of calls are cold, the cold start is part of the q-quantile latency.
 */
export function evaluateServerless(input: PlannerInput, option: ServerlessOption, batch: number, rateRps: number): LaneChoice | undefined {
  if (rateRps > linkCapacity(input, 'serverless')) return undefined;
  const fixed = serverlessFixedMs(input, option, batch);
  let coldMs = 0;
  for (let pass = 0; pass < 2; pass += 1) {
    const budget = input.sloMs - fixed - coldMs;
    if (budget < -TOLERANCE_MS) return undefined;
    const choice = serverlessAt(input, option, batch, batch === 1 ? 0 : Math.max(0, budget), rateRps);
    if (choice.load === Infinity) return undefined;
    // A cold start in the tail shortens the budget for waiting: re-plan the timeout once with it.
    if (choice.p99Ms - fixed - choice.waitP99Ms > coldMs && pass === 0) {
      coldMs = option.coldStartMs;
      continue;
    }
    return choice.p99Ms > input.sloMs + TOLERANCE_MS ? undefined : choice;
  }
  return undefined;
}

function serverlessFixedMs(input: PlannerInput, option: ServerlessOption, batch: number): number {
  return latencyAt(option.latency.p99, batch) + transferMs(batch, input.payloadBytes, input.bandwidthMbps.serverless) + input.rttMs.serverless;
}

/**
 * The serverless lane's predicted tail latency, cold-start fraction and cost per request for a given
 * option, batch size, timeout and rate (no SLO check; load is Infinity past the instance limit).
 */
export function serverlessAt(
  input: PlannerInput,
  option: ServerlessOption,
  batch: number,
  timeoutMs: number,
  rateRps: number,
): LaneChoice & { readonly waitP99Ms: number } {
  const { bounds, prices } = input;
  const q = bounds.tailQuantile;
  const expectedBatch = expectedBatchSize(batch, rateRps, timeoutMs);
  const callRate = rateRps / expectedBatch;
  const meanDuration = latencyAt(option.latency.mean, expectedBatch);
  const concurrency = (callRate * meanDuration) / 1000;
  const pool = Math.max(1, poissonQuantile(q, concurrency));
  const coldFraction = callRate > 0 ? Math.min(1, pool / (callRate * bounds.coldStartHorizonS) + Math.exp(-callRate * bounds.keepAliveS)) : 1;
  const coldMs = coldFraction > 1 - q ? option.coldStartMs : 0;
  const waitP99Ms = waitQuantileMs(q, batch, rateRps, timeoutMs);
  const perCall = serverlessCallCostUsd(prices, option.config, meanDuration) + coldFraction * coldStartCostUsd(prices, option.config, option.coldStartMs);
  return {
    batchSize: batch,
    timeoutMs,
    p99Ms: waitP99Ms + serverlessFixedMs(input, option, batch) + coldMs,
    waitP99Ms,
    expectedBatch,
    load: pool > bounds.maxInstances ? Infinity : concurrency,
    costPerRequestUsd: perCall / expectedBatch,
    option,
    coldFraction,
  };
}

/** The profiled serverless options the planner may pick (bounds.memoryMbCandidates; empty = all). */
export function serverlessOptions(input: PlannerInput): readonly ServerlessOption[] {
  const wanted = input.bounds.memoryMbCandidates;
  return input.profiles.serverless.filter((o) => wanted.length === 0 || wanted.includes(o.config.memoryMb));
}

/** The profiled option closest in memory to `memoryMb` (the production lanes route to the nearest size too). */
export function nearestServerlessOption(profiles: ProfileSet, memoryMb: number): ServerlessOption | undefined {
  let best: ServerlessOption | undefined;
  for (const option of profiles.serverless) {
    if (!best || Math.abs(option.config.memoryMb - memoryMb) < Math.abs(best.config.memoryMb - memoryMb)) best = option;
  }
  return best;
}

/** The edge's amortised cost per request at the input's rate (it is paid for whether busy or not). */
export function edgeCostPerRequestUsd(input: PlannerInput): number {
  return input.bounds.edgeHealthy && input.rateRps > 0 ? input.prices.edgeUsdPerHour.value / 3600 / input.rateRps : 0;
}

/** The cheapest feasible serverless (option, batch) at this rate (ties: lower p99). */
export function cheapestServerless(input: PlannerInput, rateRps: number): LaneChoice | undefined {
  let best: LaneChoice | undefined;
  for (const option of serverlessOptions(input)) {
    for (const batch of serverlessBatchGrid(input.bounds.maxBatch.serverless)) {
      const choice = evaluateServerless(input, option, batch, rateRps);
      if (!choice) continue;
      if (!best || choice.costPerRequestUsd < best.costPerRequestUsd * (1 - 1e-12) || (choice.costPerRequestUsd <= best.costPerRequestUsd * (1 + 1e-12) && choice.p99Ms < best.p99Ms)) {
        best = choice;
      }
    }
  }
  return best;
}
