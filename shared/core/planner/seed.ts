import type { LanePlan, Plan } from '../types.js';
import { defaultCpuForMemory } from '../profiles/serverless-cpu.js';
import { validatePlannerInput, type PlannerInput } from './input.js';
import { evaluatePlan } from './goodput.js';
import { edgeAt, serverlessAt } from './lane-choices.js';

/**
 * The prototype's planner (`alg_run` in the original client_send_requests/alg.py), reimplemented exactly as
 * that code decides, with its own fitted constants (seconds, b = batch, m = memory MB,
 * B = bandwidth MB/s), grids and rules. Only its choice is the prototype's; the plan's `predicted` figures
 * are this engine's model of that choice (the same model `plan` uses), so the two can be compared.
 */
export const SEED = {
  edgeLatencyS: (b: number) => 0.008165 * b + 0.04234,
  serverlessLatencyS: (b: number, m: number) => 0.141 * b - 8.806e-6 * m + 0.225,
  /** About 200 KB per request (200/1024 MB) over B MB/s. */
  transferS: (b: number, bandwidthMBps: number) => ((200 / 1024) * b) / bandwidthMBps,
  edgeGrid: [1, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200],
  serverlessBatchGrid: [1, 2, 3, 4, 5, 10, 15, 20],
  memoryGrid: [1024, 2048, 3072, 4096],
  /** The prototype's price constant (yuan per MB-second, unmatched to any FC price); it only orders candidates. */
  costPerMbSecond: 0.0000127 / 1024,
  /** The virtual queue's fixed timeout (s), used for both lanes. */
  timeoutS: 0.4,
  /** The queue's initial configuration, kept when alg_run fails. */
  defaults: { edgeBatch: 20, serverlessBatch: 2, memoryMb: 1024 },
} as const;

export interface SeedChoice {
  readonly edgeBatch: number;
  /** 0 when the prototype sends nothing to serverless (edge only). */
  readonly serverlessBatch: number;
  readonly memoryMb: number;
  /** Share of traffic the prototype intends for the edge: 1 (edge only) or (critical rate) / R. */
  readonly edgeShare: number;
  /** Why: 'edge-only', 'split', or 'fallback' (alg_run raised and the queue kept its defaults). */
  readonly mode: 'edge-only' | 'split' | 'fallback';
}

/**
 * The prototype's decision for rate R (req/s), SLO (s) and serverless bandwidth B (MB/s).
 *
 * When nothing is feasible the prototype does not choose: alg_run raises (an IndexError when no edge batch
 * meets SLO/2, an UnboundLocalError when no edge-only or serverless candidate fits, a ZeroDivisionError at
 * R = 0), the config thread dies, and the queue keeps its configuration, which is the defaults
 * (edge 20, serverless 2, 1024 MB) unless an earlier plan succeeded. We return the defaults with
 * mode 'fallback'; a caller that kept an earlier seed plan should keep that instead.
 */
export function seedChoice(rateRps: number, sloS: number, bandwidthMBps: number): SeedChoice {
  const fallback: SeedChoice = { edgeBatch: SEED.defaults.edgeBatch, serverlessBatch: SEED.defaults.serverlessBatch, memoryMb: SEED.defaults.memoryMb, edgeShare: 0.5, mode: 'fallback' };
  // b*: scanning the grid from large to small, the first with l_e(b) <= SLO/2.
  const descending = [...SEED.edgeGrid].sort((a, b) => b - a);
  const bStar = descending.find((b) => SEED.edgeLatencyS(b) <= sloS / 2);
  if (bStar === undefined || !(rateRps > 0)) return fallback;
  const criticalRate = (2 * bStar) / sloS;
  if (rateRps <= criticalRate) {
    for (const b of descending) {
      const l = SEED.edgeLatencyS(b);
      if (b > 1 && l + b / rateRps <= sloS && l <= b / rateRps) return { edgeBatch: b, serverlessBatch: 0, memoryMb: SEED.defaults.memoryMb, edgeShare: 1, mode: 'edge-only' };
      if (b === 1 && l <= sloS) return { edgeBatch: 1, serverlessBatch: 0, memoryMb: SEED.defaults.memoryMb, edgeShare: 1, mode: 'edge-only' };
    }
    return fallback;
  }
  const rest = rateRps - criticalRate;
  const candidates: Array<{ b: number; m: number; latency: number; cost: number }> = [];
  for (const b of SEED.serverlessBatchGrid) {
    for (const m of SEED.memoryGrid) {
      const latency = SEED.serverlessLatencyS(b, m);
      candidates.push({ b, m, latency, cost: SEED.costPerMbSecond * m * latency * Math.ceil(rest / b) });
    }
  }
  // Array.prototype.sort is stable, as Python's sorted is: ties keep the b-then-m order.
  candidates.sort((x, y) => x.cost - y.cost);
  for (const c of candidates) {
    const transfer = SEED.transferS(c.b, bandwidthMBps);
    const fits = c.b > 1 ? c.latency + c.b / rest + transfer <= sloS : c.latency + transfer <= sloS;
    if (fits) return { edgeBatch: bStar, serverlessBatch: c.b, memoryMb: c.m, edgeShare: criticalRate / rateRps, mode: 'split' };
  }
  return fallback;
}

/** The seed policy as a Plan: the prototype's choice, its 0.4 s timeout, predicted with this engine's model. */
export function planSeed(input: PlannerInput): Plan {
  validatePlannerInput(input);
  const choice = seedChoice(input.rateRps, input.sloMs / 1000, input.bandwidthMbps.serverless / 8);
  const timeoutMs = SEED.timeoutS * 1000;
  const rate = input.rateRps;
  const serverlessShare = choice.serverlessBatch > 0 ? 1 - choice.edgeShare : 0;
  const edgeShare = 1 - serverlessShare;
  const option =
    input.profiles.serverless.find((o) => o.config.memoryMb === choice.memoryMb) ??
    [...input.profiles.serverless].sort((a, b) => Math.abs(a.config.memoryMb - choice.memoryMb) - Math.abs(b.config.memoryMb - choice.memoryMb))[0];
  const edge = edgeAt(input, choice.edgeBatch, timeoutMs, rate * edgeShare);
  const serverless = option && serverlessShare > 0 ? serverlessAt(input, option, choice.serverlessBatch, timeoutMs, rate * serverlessShare) : undefined;
  const edgeCost = input.bounds.edgeHealthy && rate > 0 ? input.prices.edgeUsdPerHour.value / 3600 / rate : 0;
  const lanes: Record<'edge' | 'serverless', LanePlan> = {
    edge: { batchSize: choice.edgeBatch, timeoutMs, share: edgeShare },
    serverless: { batchSize: Math.max(1, choice.serverlessBatch), timeoutMs, share: serverlessShare },
  };
  const plan: Plan = {
    policy: 'seed',
    createdAtMs: input.nowMs,
    reason: input.reason,
    rateRps: rate,
    bandwidthMbps: { ...input.bandwidthMbps },
    sloMs: input.sloMs,
    sloTarget: input.sloTarget,
    lanes,
    serverless: option?.config.memoryMb === choice.memoryMb ? option.config : { memoryMb: choice.memoryMb, cpu: defaultCpuForMemory(choice.memoryMb) },
    // The prototype knew nothing of warm instances.
    warmInstances: 0,
    predicted: {
      p99LatencyMs: { edge: edge.p99Ms, serverless: serverless?.p99Ms ?? 0 },
      costPerMillionUsd: (edgeCost + serverlessShare * (serverless?.costPerRequestUsd ?? 0)) * 1e6,
      edgeUtilisation: edge.load,
      attainment: Number.NaN,
    },
  };
  return { ...plan, predicted: { ...plan.predicted, attainment: evaluatePlan(input, plan).attainment } };
}
