import type { LanePlan, Plan, PlanPrediction, ServerlessConfig } from '../types.js';
import { InfeasibleSloError, validatePlannerInput, type PlannerInput } from './input.js';
import { bestEdge, cheapestServerless, edgeCostPerRequestUsd, maxEdgeRate, type LaneChoice } from './lanes.js';

/** Fractions of the edge's maximum rate tried for a split (a larger serverless remainder batches and stays warm better). */
const EDGE_FRACTIONS = [1, 0.9, 0.75, 0.5, 0.25];

interface Candidate {
  readonly edgeRate: number;
  readonly edge?: LaneChoice;
  readonly serverless?: LaneChoice;
  readonly costPerRequestUsd: number;
}

/**
 * The cost-optimal plan (DESIGN section 4): the edge is paid for whether busy or not, so it takes as much
 * traffic as it can within the SLO and its utilisation bound, and the rest goes to the serverless
 * configuration, batch size and timeout with the lowest expected cost per request. Candidates: edge only,
 * serverless only, and splits at a few fractions of the edge's maximum rate; the cheapest feasible wins.
 * Throws InfeasibleSloError (naming the smallest feasible SLO) when nothing meets the SLO.
 */
export function plan(input: PlannerInput): Plan {
  validatePlannerInput(input);
  const found = search(input);
  if (!found) throw new InfeasibleSloError(input.sloMs, minFeasibleSloMs(input));
  return toPlan(input, found);
}

/** The plan, or undefined when the SLO cannot be met (no error search). */
export function tryPlan(input: PlannerInput): Plan | undefined {
  validatePlannerInput(input);
  const found = search(input);
  return found ? toPlan(input, found) : undefined;
}

function search(input: PlannerInput): Candidate | undefined {
  const rate = input.rateRps;
  const { edgeHealthy, serverlessHealthy } = input.bounds;
  const edgeCostPerRequest = edgeCostPerRequestUsd(input);
  if (rate === 0) {
    // Nothing to carry: keep a lane ready with batch 1 (the first request goes straight out).
    if (edgeHealthy) {
      const edge = bestEdge(input, 0);
      if (edge) return { edgeRate: 0, edge, costPerRequestUsd: 0 };
    }
    if (serverlessHealthy) {
      const serverless = cheapestServerless(input, 0);
      if (serverless) return { edgeRate: 0, serverless, costPerRequestUsd: 0 };
    }
    return undefined;
  }
  const candidates: Candidate[] = [];
  if (edgeHealthy) {
    const edgeMax = maxEdgeRate(input, rate);
    if (edgeMax >= rate) {
      const edge = bestEdge(input, rate);
      if (edge) candidates.push({ edgeRate: rate, edge, costPerRequestUsd: edgeCostPerRequest });
    } else if (edgeMax > 0 && serverlessHealthy) {
      for (const fraction of EDGE_FRACTIONS) {
        const edgeRate = edgeMax * fraction;
        const edge = bestEdge(input, edgeRate);
        const serverless = cheapestServerless(input, rate - edgeRate);
        if (edge && serverless) {
          candidates.push({ edgeRate, edge, serverless, costPerRequestUsd: edgeCostPerRequest + ((rate - edgeRate) / rate) * serverless.costPerRequestUsd });
        }
      }
    }
  }
  if (serverlessHealthy && candidates.length === 0) {
    const serverless = cheapestServerless(input, rate);
    if (serverless) candidates.push({ edgeRate: 0, serverless, costPerRequestUsd: edgeCostPerRequest + serverless.costPerRequestUsd });
  }
  let best: Candidate | undefined;
  for (const candidate of candidates) if (!best || candidate.costPerRequestUsd < best.costPerRequestUsd) best = candidate;
  return best;
}

/**
 * The smallest SLO (ms, to 1 ms) at which a plan exists, by doubling then bisection (feasibility only grows
 * with the SLO: every latency bound is checked against it). Infinity when even an hour is not enough.
 */
export function minFeasibleSloMs(input: PlannerInput): number {
  const feasible = (sloMs: number) => search({ ...input, sloMs }) !== undefined;
  let lo = input.sloMs;
  let hi = Math.max(1, input.sloMs) * 2;
  while (!feasible(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 3_600_000) return Infinity;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) / 2;
    if (feasible(mid)) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi);
}

/** The rules of a lane a plan gives no traffic. */
export const UNUSED_LANE: LanePlan = { batchSize: 1, timeoutMs: 0, share: 0 };

/** A plan of our planner made at these inputs. */
export function oursPlan(input: PlannerInput, lanes: Plan['lanes'], serverless: ServerlessConfig, predicted: PlanPrediction): Plan {
  return {
    policy: 'ours',
    createdAtMs: input.nowMs,
    reason: input.reason,
    rateRps: input.rateRps,
    bandwidthMbps: { ...input.bandwidthMbps },
    sloMs: input.sloMs,
    lanes,
    serverless,
    predicted,
  };
}

function toPlan(input: PlannerInput, found: Candidate): Plan {
  const rate = input.rateRps;
  const edgeShare = found.edge ? (rate > 0 ? found.edgeRate / rate : 1) : 0;
  const serverlessShare = found.serverless ? 1 - edgeShare : 0;
  const lane = (choice: LaneChoice | undefined, share: number): LanePlan =>
    choice ? { batchSize: choice.batchSize, timeoutMs: choice.timeoutMs, share } : UNUSED_LANE;
  const fallbackOption = input.profiles.serverless[0];
  const serverless: ServerlessConfig = found.serverless?.option?.config ?? fallbackOption?.config ?? { memoryMb: 1024, cpu: 0.5 };
  return oursPlan(input, { edge: lane(found.edge, edgeShare), serverless: lane(found.serverless, serverlessShare) }, serverless, {
    p99LatencyMs: { edge: found.edge?.p99Ms ?? 0, serverless: found.serverless?.p99Ms ?? 0 },
    costPerMillionUsd: found.costPerRequestUsd * 1e6,
    edgeUtilisation: found.edge?.load ?? 0,
  });
}
