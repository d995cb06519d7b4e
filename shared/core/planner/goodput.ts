/**
 * The planner's search: per lane, every batch size of its grid with a few timeouts (and per serverless
 * configuration, its warm instances), over splits of the rate between the lanes. Each candidate is judged by the
 * fraction of requests its attainment model (attainment.ts) predicts within the SLO's latency. The cheapest
 * candidate predicted to reach the SLO's target wins; when none does, the one answering the most requests in
 * time (best effort by goodput), cheapest among those within ATTAINMENT_TOLERANCE of it.
 *
 * Among equally good picks on a lane: the cheaper, then, on the edge (paid by the hour, a batch costing little
 * more than one request) the larger batch limit, headroom for a burst, since the edge batches whatever waits; on
 * serverless (each request adds about as much again) the smaller, so that a burst does not pile into one call.
 */
import type { LanePlan, Plan, ServerlessOption } from '../types.js';
import { edgeAttainment, effectiveTimeoutMs, latencyQuantileMs, serverlessAttainment, serverlessTailMs, type LaneAttainment } from './attainment.js';
import type { PlannerInput } from './input.js';
import { linkCapacityRps } from './lane-model.js';
import { memoisedLaneModels, type LaneModels, type LaneModelsFactory } from './lane-models.js';
import { edgeBatchGrid, edgeBusyMs, edgeCostPerRequestUsd, nearestServerlessOption, serverlessBatchGrid, serverlessOptions } from './lane-choices.js';
import { edgeHedgeUsdPerRequest } from './hedge-cost.js';
import { fitsQueue } from './queue-need.js';
import { oursPlan, UNUSED_LANE } from './plan-record.js';

const SPLIT_STEPS = 10;
/** Attainments this close count as equal (0.2 points): a finer difference is below the model's accuracy. */
const ATTAINMENT_TOLERANCE = 0.002;
/** Gathering timeouts tried, as fractions of the SLO: a short gather, and as long as the deadline allows. */
const GATHER_FRACTIONS = [0.1, 0.4, 1];

interface LanePick {
  readonly batch: number;
  readonly timeoutMs: number;
  readonly result: LaneAttainment;
  readonly option?: ServerlessOption;
  readonly warmInstances?: number;
}

export interface GoodputPlan {
  readonly rateEdge: number;
  readonly edge?: LanePick;
  readonly serverless?: LanePick;
  readonly attainment: number;
  readonly costPerRequestUsd: number;
}

/**
 * `a` beats `b` under the SLO's target: reaching it beats not; among those reaching it, the cheaper; among those
 * that do not, clearly more in time, or about as many for less. Undefined: neither, the caller's tie-break decides.
 */
function beats(a: { fraction: number; cost: number }, b: { fraction: number; cost: number }, target: number): boolean | undefined {
  const aReaches = a.fraction >= target;
  if (aReaches !== b.fraction >= target) return aReaches;
  if (!aReaches) {
    if (a.fraction > b.fraction + ATTAINMENT_TOLERANCE) return true;
    if (a.fraction < b.fraction - ATTAINMENT_TOLERANCE) return false;
  }
  if (a.cost !== b.cost) return a.cost < b.cost;
  // Equal cost (the edge is paid by the hour): the one with more margin, past rounding noise.
  if (Math.abs(a.fraction - b.fraction) > 1e-9) return a.fraction > b.fraction;
  return undefined;
}

function better(candidate: LanePick, best: LanePick | undefined, preferLargerBatch: boolean, target: number): boolean {
  if (!best) return true;
  const verdict = beats(
    { fraction: candidate.result.fraction, cost: candidate.result.costPerRequestUsd },
    { fraction: best.result.fraction, cost: best.result.costPerRequestUsd },
    target,
  );
  if (verdict !== undefined) return verdict;
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

/** The edge's pick at this rate; its cost is the hedges to FC it will cause (the box itself is paid by the hour). */
function bestEdgeAt(input: PlannerInput, models: LaneModels, rateRps: number, hedgeOption: ServerlessOption | undefined): LanePick | undefined {
  let best: LanePick | undefined;
  for (const [batch, timeoutMs] of lanePairs(edgeBatchGrid(input.bounds.maxBatch.edge), input.sloMs)) {
    const attained = models.edge(batch, timeoutMs, rateRps);
    if (!fitsQueue(input, rateRps, attained)) continue;
    const pick = { batch, timeoutMs, result: { ...attained, costPerRequestUsd: models.edgeHedgeUsd(attained, hedgeOption) } };
    if (better(pick, best, true, input.sloTarget)) best = pick;
  }
  return best;
}

/** Serverless batch sizes tried: fewer than the exact planner's grid, the search runs for every split. */
function serverlessGrid(maxBatch: number): number[] {
  return serverlessBatchGrid(maxBatch).filter((b, i, all) => b <= 4 || b % 4 === 0 || i === all.length - 1);
}

function bestServerlessAt(input: PlannerInput, models: LaneModels, options: readonly ServerlessOption[], rateRps: number): LanePick | undefined {
  let best: LanePick | undefined;
  const pairs = lanePairs(serverlessGrid(input.bounds.maxBatch.serverless), input.sloMs);
  for (const option of options) {
    for (const [batch, asked] of pairs) {
      // The queue closes a batch once its tail would pass the first request's deadline: plan the timeout it keeps.
      const timeoutMs = effectiveTimeoutMs(input.sloMs, asked, serverlessTailMs(input, option, batch));
      for (const warmInstances of models.warmChoices(option, batch, timeoutMs, rateRps)) {
        const pick = { batch, timeoutMs, option, warmInstances, result: models.serverless(option, batch, timeoutMs, rateRps, warmInstances) };
        if (!fitsQueue(input, rateRps, pick.result)) continue;
        if (better(pick, best, false, input.sloTarget)) best = pick;
      }
    }
  }
  return best;
}

/**
 * The edge rates tried: even steps up to what the edge can carry (its link's bound and its full batches'
 * throughput), and even steps between that and what the serverless lane cannot take (its link's bound). The
 * second set keeps the split fine where the constrained lane's range is narrow (the edge's cellular uplink, or
 * FC's in the prototype's topology); the first lets an overloaded edge take less than its share, since a lane
 * past its capacity answers few in time.
 */
function edgeRates(input: PlannerInput): number[] {
  const rate = input.rateRps;
  const { edgeHealthy, serverlessHealthy } = input.bounds;
  if (!edgeHealthy) return [0];
  if (!serverlessHealthy) return [rate];
  const maxBatch = input.bounds.maxBatch.edge;
  const edgeCeiling = Math.min(rate, linkCapacityRps(input.payloadBytes, input.bandwidthMbps.edge, input.bounds.linkMaxUtilisation), (1000 * maxBatch) / edgeBusyMs(input, maxBatch));
  const edgeFloor = Math.min(rate, Math.max(0, rate - linkCapacityRps(input.payloadBytes, input.bandwidthMbps.serverless, input.bounds.linkMaxUtilisation)));
  const low = Math.min(edgeFloor, edgeCeiling);
  const rates = [edgeFloor];
  for (let k = 0; k <= SPLIT_STEPS; k += 1) rates.push((edgeCeiling * k) / SPLIT_STEPS);
  if (low > 0) for (let k = 1; k < SPLIT_STEPS; k += 1) rates.push(low + ((edgeCeiling - low) * k) / SPLIT_STEPS);
  return [...new Set(rates.map((r) => Math.min(rate, Math.max(0, r))))];
}

/**
 * The search's best plan, or undefined when no lane is healthy or the rate is 0. The lane models are memoised
 * within the search (lane-models.ts); `models` is for tests comparing them with the direct ones.
 */
export function searchGoodput(input: PlannerInput, models: LaneModelsFactory = memoisedLaneModels): GoodputPlan | undefined {
  const rate = input.rateRps;
  if (!(rate > 0) || (!input.bounds.edgeHealthy && !input.bounds.serverlessHealthy)) return undefined;
  const edgeCost = edgeCostPerRequestUsd(input);
  // Hedges from the edge go to the cheapest FC configuration's price (a plan's own may differ; a second order).
  const options = serverlessOptions(input);
  const cheapestOption = options[0];
  const lanes = models(input);
  let best: GoodputPlan | undefined;
  for (const edgeRate of edgeRates(input)) {
    const serverlessRate = rate - edgeRate;
    const edge = edgeRate > 0 ? bestEdgeAt(input, lanes, edgeRate, cheapestOption) : undefined;
    const serverless = serverlessRate > 1e-9 ? bestServerlessAt(input, lanes, options, serverlessRate) : undefined;
    if ((edgeRate > 0 && !edge) || (serverlessRate > 1e-9 && !serverless)) continue;
    const inTime = edgeRate * (edge?.result.fraction ?? 0) + serverlessRate * (serverless?.result.fraction ?? 0);
    const candidate: GoodputPlan = {
      rateEdge: edgeRate,
      ...(edge ? { edge } : {}),
      ...(serverless ? { serverless } : {}),
      attainment: inTime / rate,
      costPerRequestUsd: edgeCost + (serverlessRate / rate) * (serverless?.result.costPerRequestUsd ?? 0) + (edgeRate / rate) * (edge?.result.costPerRequestUsd ?? 0),
    };
    const verdict = best && beats({ fraction: candidate.attainment, cost: candidate.costPerRequestUsd }, { fraction: best.attainment, cost: best.costPerRequestUsd }, input.sloTarget);
    if (!best || verdict) best = candidate;
  }
  return best;
}

/** The plan for a goodput search's result, with its predicted attainment and its lanes' modelled tails. */
export function goodputPlan(input: PlannerInput, found: GoodputPlan): Plan {
  // Split points are sums of steps: keep rounding from pushing a share past 1.
  const edgeShare = found.edge ? Math.min(1, found.rateEdge / input.rateRps) : 0;
  const serverlessShare = found.serverless ? 1 - edgeShare : 0;
  const lane = (pick: LanePick | undefined, share: number): LanePlan => (pick ? { batchSize: pick.batch, timeoutMs: pick.timeoutMs, share } : UNUSED_LANE);
  const tail = (pick: LanePick | undefined) => (pick ? latencyQuantileMs(pick.result.shape, input.bounds.tailQuantile) : 0);
  const option = found.serverless?.option ?? input.profiles.serverless[0];
  const lanes = { edge: lane(found.edge, edgeShare), serverless: lane(found.serverless, serverlessShare) };
  return oursPlan(input, lanes, option?.config ?? { memoryMb: 1024, cpu: 0.5 }, found.serverless?.warmInstances ?? 0, {
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
  const serverlessResult =
    serverlessRate > 0 && option ? serverlessAttainment(input, option, serverless.batchSize, serverless.timeoutMs, serverlessRate, plan.warmInstances) : undefined;
  const inTime = edgeRate * (edgeResult?.fraction ?? 0) + serverlessRate * (serverlessResult?.fraction ?? 0);
  return {
    attainment: inTime / rate,
    costPerRequestUsd:
      edgeCostPerRequestUsd(input) + serverless.share * (serverlessResult?.costPerRequestUsd ?? 0) + (edgeResult ? edge.share * edgeHedgeUsdPerRequest(input, edgeResult, option) : 0),
  };
}
