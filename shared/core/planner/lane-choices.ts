/**
 * The lane configurations the planner chooses among: the batch sizes it tries on each lane, what one edge or FC
 * configuration predicts (attainment, cost, warm instances), and the FC options and pools to size them with.
 */
import { coldStartCostUsd, serverlessCallCostUsd, warmIdleUsdPerSecond } from '../pricing/cost.js';
import { coldStartsPerSecond } from '../stats/cold-start-rate.js';
import { poissonIdleMean } from '../stats/poisson-idle-mean.js';
import { poissonQuantile } from '../stats/poisson-quantile.js';
import type { ProfileSet, ServerlessOption } from '../types.js';
import type { PlannerInput } from './input.js';
import { edgeStartQuantileMs, expectedBatchSize, latencyAt, transferMs, waitQuantileMs } from './lane-model.js';

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
  /** Serverless only: instances kept warm (FC minimum instances). */
  readonly warmInstances?: number;
}


export const EDGE_BATCH_GRID = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 200, 256, 320, 400, 512];

export function edgeBatchGrid(maxBatch: number): number[] {
  const grid = EDGE_BATCH_GRID.filter((b) => b <= maxBatch);
  if (grid[grid.length - 1] !== maxBatch && maxBatch < 512) grid.push(maxBatch);
  return grid;
}

/**
 * How long a batch occupies the edge, in steady state: the scheduler keeps `edgeSlots` batches in flight, so one
 * crosses the link while another computes, but the link carries one batch at a time and the GPU serves one at a
 * time. So a batch holds the edge for the longest of its service, its transfer, and its whole slot time (service,
 * transfer and round trip) shared over the slots: on a slow uplink the transfer is the bottleneck, on a distant
 * agent with a fast model the round trip is (batches of 1 with a 20 ms round trip cannot carry hundreds of
 * requests per second however light the model is).
 */
export function edgeBusyMs(input: PlannerInput, batch: number): number {
  const service = latencyAt(input.profiles.edge.mean, batch);
  const transfer = transferMs(batch, input.payloadBytes, input.bandwidthMbps.edge);
  return Math.max(service, transfer, (service + transfer + input.rttMs.edge) / input.bounds.edgeSlots);
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

export function serverlessBatchGrid(maxBatch: number): number[] {
  const grid: number[] = [];
  for (let b = 1; b <= Math.min(maxBatch, 24); b += 1) grid.push(b);
  for (let b = 32; b <= maxBatch; b *= 2) grid.push(b);
  return grid;
}

function serverlessFixedMs(input: PlannerInput, option: ServerlessOption, batch: number): number {
  return latencyAt(option.latency.p99, batch) + transferMs(batch, input.payloadBytes, input.bandwidthMbps.serverless) + input.rttMs.serverless;
}

/**
 * The serverless lane with option o, batch size b, timeout T and w warm instances at rate y: its tail latency,
 * cold-start fraction and cost per request (no SLO check; load is Infinity past the instance limit).
 *
 * Calls arrive at y / E[N]; in-flight calls are Poisson with mean L = call rate x mean duration (M/G/infinity,
 * by Little's law). Cold starts come where the in-flight count reaches a level above the warm instances that it
 * has not reached for a keep-alive (coldStartsPerSecond), taken at the forecast's high rate (`rateHighRps`) so a
 * rise within the plan's life is covered; the cold fraction of calls is that rate over the call rate.
 * Warm instances bill their memory while idle: E[(w - L)+] of them on average (poissonIdleMean).
 */
export function serverlessAt(
  input: PlannerInput,
  option: ServerlessOption,
  batch: number,
  timeoutMs: number,
  rateRps: number,
  warmInstances = 0,
): LaneChoice & { readonly waitP99Ms: number } {
  const { bounds, prices } = input;
  const q = bounds.tailQuantile;
  const expectedBatch = expectedBatchSize(batch, rateRps, timeoutMs);
  const callRate = rateRps / expectedBatch;
  const meanDuration = latencyAt(option.latency.mean, expectedBatch);
  const concurrency = (callRate * meanDuration) / 1000;
  const pool = onDemandPool(input, callRate, meanDuration, rateRps);
  const coldFraction = coldCallFraction(input, callRate, meanDuration, rateRps, warmInstances);
  const coldMs = coldFraction > 1 - q ? option.coldStartMs : 0;
  const waitP99Ms = waitQuantileMs(q, batch, rateRps, timeoutMs);
  const perCall = serverlessCallCostUsd(prices, option.config, meanDuration) + coldFraction * coldStartCostUsd(prices, option.config, option.coldStartMs);
  const idleUsdPerSecond = warmInstances > 0 ? poissonIdleMean(warmInstances, concurrency) * warmIdleUsdPerSecond(prices, option.config) : 0;
  return {
    batchSize: batch,
    timeoutMs,
    p99Ms: waitP99Ms + serverlessFixedMs(input, option, batch) + coldMs,
    waitP99Ms,
    expectedBatch,
    load: Math.max(pool, warmInstances) > bounds.maxInstances ? Infinity : concurrency,
    costPerRequestUsd: rateRps > 0 ? perCall / expectedBatch + idleUsdPerSecond / rateRps : 0,
    option,
    coldFraction,
    warmInstances,
  };
}

/** The fraction of calls that meet a cold start (see serverlessAt). */
function coldCallFraction(input: PlannerInput, callRate: number, meanDuration: number, rateRps: number, warmInstances: number): number {
  const highCallRate = (callRate * Math.max(rateRps, input.rateHighRps ?? rateRps)) / rateRps;
  return callRate > 0 ? Math.min(1, coldStartsPerSecond(highCallRate, (highCallRate * meanDuration) / 1000, warmInstances, input.bounds.keepAliveS) / callRate) : warmInstances > 0 ? 0 : 1;
}

/**
 * serverlessAt's cold fraction, or undefined where its load is Infinity (past the instance limit): all that the
 * lane's fraction in time needs from it, without the object and the costs (the search asks at every spread point).
 */
export function serverlessColdFraction(input: PlannerInput, option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number, warmInstances = 0): number | undefined {
  const expectedBatch = expectedBatchSize(batch, rateRps, timeoutMs);
  const callRate = rateRps / expectedBatch;
  const meanDuration = latencyAt(option.latency.mean, expectedBatch);
  const concurrency = (callRate * meanDuration) / 1000;
  if (Math.max(onDemandPool(input, callRate, meanDuration, rateRps), warmInstances) > input.bounds.maxInstances || concurrency === Infinity) return undefined;
  return coldCallFraction(input, callRate, meanDuration, rateRps, warmInstances);
}

/**
 * The instances the busiest moment of a keep-alive window asks for: the (1 - 1 / calls per window)-quantile of
 * Poisson in-flight calls at the forecast's high rate: what the account's instance limit must allow.
 */
export function onDemandPool(input: PlannerInput, callRate: number, meanDurationMs: number, rateRps: number): number {
  if (!(callRate > 0)) return 0;
  const callsPerWindow = Math.max(2, callRate * Math.max(1, input.bounds.keepAliveS));
  return Math.max(1, poissonQuantile(1 - 1 / callsPerWindow, highConcurrency(input, callRate, meanDurationMs, rateRps)));
}

/**
 * The warm pool that leaves (nearly) no call cold: cold starts come only at levels above the warm ones, at most
 * at the rate the in-flight calls reach them, so covering all but 1e-6 of the in-flight distribution at the
 * forecast's high rate leaves at most about that fraction of calls cold.
 */
export function fullWarmPool(input: PlannerInput, callRate: number, meanDurationMs: number, rateRps: number): number {
  if (!(callRate > 0)) return 0;
  return Math.max(1, poissonQuantile(1 - 1e-6, highConcurrency(input, callRate, meanDurationMs, rateRps)));
}

/** Mean in-flight calls at the forecast's high rate (`rateHighRps`, or the mean rate without one). */
function highConcurrency(input: PlannerInput, callRate: number, meanDurationMs: number, rateRps: number): number {
  return ((callRate * Math.max(rateRps, input.rateHighRps ?? rateRps)) / rateRps) * (meanDurationMs / 1000);
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
