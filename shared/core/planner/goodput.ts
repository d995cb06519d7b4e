/**
 * Best-effort planning by goodput: when no plan can promise the SLO's tail at the observed rate, the plan that
 * answers the most requests within the SLO (predicted attainment, see attainment.ts), and among the plans within
 * ATTAINMENT_TOLERANCE of that, the cheapest.
 *
 * The search: the serverless lane takes a rate from 0 up to what its link carries within its bound, in
 * SPLIT_STEPS steps; the edge takes the rest. Per lane every batch size of its grid with a few timeouts, and per
 * serverless option its configuration. Among equally good picks: the cheaper, then, on the edge (paid by the hour,
 * a batch costing little more than one request) the larger batch limit, headroom for a burst, since the edge
 * batches whatever waits; on serverless (each request adds about as much again) the smaller, so that a burst does
 * not pile into one long call.
 */
import type { LanePlan, Plan, ServerlessOption } from '../types.js';
import { edgeAttainment, latencyQuantileMs, serverlessAttainment, type LaneAttainment } from './attainment.js';
import type { PlannerInput } from './input.js';
import { linkCapacityRps } from './lane-model.js';
import { oursPlan, UNUSED_LANE } from './plan.js';
import { edgeBatchGrid, edgeCostPerRequestUsd, nearestServerlessOption, serverlessBatchGrid, serverlessOptions } from './lanes.js';

const SPLIT_STEPS = 10;
/** Attainments this close count as equal (0.2 points): a finer difference is below the model's accuracy. */
const ATTAINMENT_TOLERANCE = 0.002;
/** Gathering timeouts tried, as fractions of the SLO: a short gather, and as long as the deadline allows. */
const GATHER_FRACTIONS = [0.1, 1];

interface LanePick {
  readonly batch: number;
  readonly timeoutMs: number;
  readonly result: LaneAttainment;
  readonly option?: ServerlessOption;
}

export interface GoodputPlan {
  readonly rateEdge: number;
  readonly edge?: LanePick;
  readonly serverless?: LanePick;
  readonly attainment: number;
  readonly costPerRequestUsd: number;
}

/** `candidate` beats `best`: clearly more in time, or about as many for less money (then, by batch limit). */
function better(candidate: LanePick, best: LanePick | undefined, preferLargerBatch: boolean): boolean {
  if (!best) return true;
  const a = candidate.result;
  const b = best.result;
  if (a.fraction > b.fraction + ATTAINMENT_TOLERANCE) return true;
  if (a.fraction < b.fraction - ATTAINMENT_TOLERANCE) return false;
  if (a.costPerRequestUsd !== b.costPerRequestUsd) return a.costPerRequestUsd < b.costPerRequestUsd;
  return preferLargerBatch ? candidate.batch > best.batch : candidate.batch < best.batch;
}

/**
 * The (batch, timeout) pairs tried on a lane: batch 1; the largest batch with no timeout (dispatch whatever waits
 * when the lane is free: the model cannot tell batch limits apart there, so the lane's tie-break chooses between
 * it and batch 1); and every batch of the grid with a short and a full timeout.
 */
function lanePairs(grid: readonly number[], sloMs: number): Array<readonly [number, number]> {
  const pairs: Array<readonly [number, number]> = [[1, 0]];
  const largest = grid[grid.length - 1]!;
  if (largest > 1) pairs.push([largest, 0]);
  for (const batch of grid) if (batch > 1) for (const fraction of GATHER_FRACTIONS) pairs.push([batch, fraction * sloMs]);
  return pairs;
}

function bestEdgeAt(input: PlannerInput, rateRps: number): LanePick | undefined {
  let best: LanePick | undefined;
  for (const [batch, timeoutMs] of lanePairs(edgeBatchGrid(input.bounds.maxBatch.edge), input.sloMs)) {
    const pick = { batch, timeoutMs, result: edgeAttainment(input, batch, timeoutMs, rateRps) };
    if (better(pick, best, true)) best = pick;
  }
  return best;
}

/** Serverless batch sizes tried: fewer than the exact planner's grid, the search runs for every split. */
function serverlessGrid(maxBatch: number): number[] {
  return serverlessBatchGrid(maxBatch).filter((b, i, all) => b <= 4 || b % 4 === 0 || i === all.length - 1);
}

function bestServerlessAt(input: PlannerInput, rateRps: number): LanePick | undefined {
  let best: LanePick | undefined;
  const pairs = lanePairs(serverlessGrid(input.bounds.maxBatch.serverless), input.sloMs);
  for (const option of serverlessOptions(input)) {
    for (const [batch, timeoutMs] of pairs) {
      const pick = { batch, timeoutMs, option, result: serverlessAttainment(input, option, batch, timeoutMs, rateRps) };
      if (better(pick, best, false)) best = pick;
    }
  }
  return best;
}

/** The serverless rates tried: none, then even steps up to what the link carries within its bound. */
function serverlessRates(input: PlannerInput): number[] {
  const rate = input.rateRps;
  const { edgeHealthy, serverlessHealthy } = input.bounds;
  if (!serverlessHealthy) return [0];
  if (!edgeHealthy) return [rate];
  const ceiling = Math.min(rate, linkCapacityRps(input.payloadBytes, input.bandwidthMbps.serverless, input.bounds.linkMaxUtilisation));
  const rates = [0];
  for (let k = 1; k <= SPLIT_STEPS; k += 1) rates.push((ceiling * k) / SPLIT_STEPS);
  return rates;
}

/** The goodput-best plan's lanes, or undefined when no lane is healthy or the rate is 0. */
export function searchGoodput(input: PlannerInput): GoodputPlan | undefined {
  const rate = input.rateRps;
  if (!(rate > 0) || (!input.bounds.edgeHealthy && !input.bounds.serverlessHealthy)) return undefined;
  const edgeCost = edgeCostPerRequestUsd(input);
  let best: GoodputPlan | undefined;
  for (const serverlessRate of serverlessRates(input)) {
    const edgeRate = rate - serverlessRate;
    const edge = edgeRate > 0 ? bestEdgeAt(input, edgeRate) : undefined;
    const serverless = serverlessRate > 0 ? bestServerlessAt(input, serverlessRate) : undefined;
    if ((edgeRate > 0 && !edge) || (serverlessRate > 0 && !serverless)) continue;
    const inTime = edgeRate * (edge?.result.fraction ?? 0) + serverlessRate * (serverless?.result.fraction ?? 0);
    const candidate: GoodputPlan = {
      rateEdge: edgeRate,
      ...(edge ? { edge } : {}),
      ...(serverless ? { serverless } : {}),
      attainment: inTime / rate,
      costPerRequestUsd: edgeCost + (serverlessRate / rate) * (serverless?.result.costPerRequestUsd ?? 0),
    };
    const clearlyMore = best && candidate.attainment > best.attainment + ATTAINMENT_TOLERANCE;
    const asManyForLess = best && candidate.attainment >= best.attainment - ATTAINMENT_TOLERANCE && candidate.costPerRequestUsd < best.costPerRequestUsd;
    if (!best || clearlyMore || asManyForLess) best = candidate;
  }
  return best;
}

/** The plan for a goodput search's result, with its predicted attainment and its lanes' modelled tails. */
export function goodputPlan(input: PlannerInput, found: GoodputPlan): Plan {
  const edgeShare = found.edge ? found.rateEdge / input.rateRps : 0;
  const serverlessShare = found.serverless ? 1 - edgeShare : 0;
  const lane = (pick: LanePick | undefined, share: number): LanePlan => (pick ? { batchSize: pick.batch, timeoutMs: pick.timeoutMs, share } : UNUSED_LANE);
  const tail = (pick: LanePick | undefined) => (pick ? latencyQuantileMs(pick.result.shape, input.bounds.tailQuantile) : 0);
  const option = found.serverless?.option ?? input.profiles.serverless[0];
  return oursPlan(input, { edge: lane(found.edge, edgeShare), serverless: lane(found.serverless, serverlessShare) }, option?.config ?? { memoryMb: 1024, cpu: 0.5 }, {
    p99LatencyMs: { edge: tail(found.edge), serverless: tail(found.serverless) },
    costPerMillionUsd: found.costPerRequestUsd * 1e6,
    edgeUtilisation: found.edge?.result.utilisation ?? 0,
    attainment: found.attainment,
  });
}

/** A plan's predicted attainment and cost per request at these inputs (for judging whether re-planning pays). */
export function evaluatePlan(input: PlannerInput, plan: Plan): { attainment: number; costPerRequestUsd: number } {
  const rate = input.rateRps;
  if (!(rate > 0)) return { attainment: 1, costPerRequestUsd: 0 };
  const { edge, serverless } = plan.lanes;
  const edgeRate = rate * edge.share;
  const serverlessRate = rate * serverless.share;
  const option = nearestServerlessOption(input.profiles, plan.serverless.memoryMb);
  const edgeResult = edgeRate > 0 ? edgeAttainment(input, edge.batchSize, edge.timeoutMs, edgeRate) : undefined;
  const serverlessResult = serverlessRate > 0 && option ? serverlessAttainment(input, option, serverless.batchSize, serverless.timeoutMs, serverlessRate) : undefined;
  const inTime = edgeRate * (edgeResult?.fraction ?? 0) + serverlessRate * (serverlessResult?.fraction ?? 0);
  return {
    attainment: inTime / rate,
    costPerRequestUsd: edgeCostPerRequestUsd(input) + serverless.share * (serverlessResult?.costPerRequestUsd ?? 0),
  };
}
