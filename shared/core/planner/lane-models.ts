/**
 * The lane models a plan search asks: each lane's attainment per configuration, the edge's hedging cost, and the
 * warm pools worth trying. `directLaneModels` computes each answer afresh; `memoisedLaneModels`, what the planner
 * uses, remembers within one search what the answers share (edge-memo.ts, serverless-memo.ts) and gives the same
 * numbers, bit for bit.
 */
import type { ServerlessOption } from '../types.js';
import { edgeAttainment, serverlessAttainment, type LaneAttainment, type LatencyShape } from './attainment.js';
import { EdgeMemo } from './edge-memo.js';
import { edgeHedgeUsdPerRequest } from './hedge-cost.js';
import type { PlannerInput } from './input.js';
import { ServerlessMemo } from './serverless-memo.js';
import { warmChoices } from './warm-choices.js';

export interface LaneModels {
  edge(batch: number, timeoutMs: number, rateRps: number): LaneAttainment;
  /** edgeHedgeUsdPerRequest for an edge attainment, hedging to `option`. */
  edgeHedgeUsd(edge: LaneAttainment, option: ServerlessOption | undefined): number;
  serverless(option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number, warmInstances: number): LaneAttainment;
  warmChoices(option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number): readonly number[];
}

export type LaneModelsFactory = (input: PlannerInput) => LaneModels;

export function directLaneModels(input: PlannerInput): LaneModels {
  return {
    edge: (batch, timeoutMs, rateRps) => edgeAttainment(input, batch, timeoutMs, rateRps),
    edgeHedgeUsd: (edge, option) => edgeHedgeUsdPerRequest(input, edge, option),
    serverless: (option, batch, timeoutMs, rateRps, warm) => serverlessAttainment(input, option, batch, timeoutMs, rateRps, warm),
    warmChoices: (option, batch, timeoutMs, rateRps) => warmChoices(input, option, batch, timeoutMs, rateRps),
  };
}

export function memoisedLaneModels(input: PlannerInput): LaneModels {
  const edge = new EdgeMemo(input);
  const serverless = new ServerlessMemo(input);
  // The hedging cost reads only the edge's shape: shapes the edge memo shares, it computes once per option.
  const hedges = new Map<ServerlessOption | undefined, Map<LatencyShape, number>>();
  return {
    edge: (batch, timeoutMs, rateRps) => edge.attainment(batch, timeoutMs, rateRps),
    edgeHedgeUsd: (result, option) => {
      let byShape = hedges.get(option);
      if (!byShape) hedges.set(option, (byShape = new Map()));
      let usd = byShape.get(result.shape);
      if (usd === undefined) byShape.set(result.shape, (usd = edgeHedgeUsdPerRequest(input, result, option)));
      return usd;
    },
    serverless: (option, batch, timeoutMs, rateRps, warm) => serverless.attainment(option, batch, timeoutMs, rateRps, warm),
    warmChoices: (option, batch, timeoutMs, rateRps) => serverless.warmChoices(option, batch, timeoutMs, rateRps),
  };
}
