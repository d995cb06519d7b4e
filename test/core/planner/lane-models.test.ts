import { describe, expect, it } from 'vitest';
import { effectiveTimeoutMs, serverlessTailMs } from '../../../shared/core/planner/attainment.js';
import { searchGoodput } from '../../../shared/core/planner/goodput.js';
import type { PlannerInput } from '../../../shared/core/planner/input.js';
import { directLaneModels, memoisedLaneModels } from '../../../shared/core/planner/lane-models.js';
import { edgeBatchGrid, serverlessBatchGrid, serverlessOptions } from '../../../shared/core/planner/lane-choices.js';
import { plannerInput } from './fixtures.js';

// The product's topology: the edge behind a link that may swing (one sample in twenty dead), FC in the region.
const swinging = Array.from({ length: 20 }, (_, i) => (i === 0 ? 0.001 : 0.4 + 0.06 * i));
const product = (rateRps: number, edgeMbps: number, sloMs: number, spread: boolean): PlannerInput => ({
  ...plannerInput(rateRps, 100, sloMs, true, edgeMbps),
  rttMs: { edge: 20, serverless: 5 },
  rateHighRps: rateRps * 1.3,
  ...(spread ? { linkSpread: { edge: swinging, serverless: Array.from({ length: 20 }, () => 1) } } : {}),
});

// The prototype's topology: FC behind the swinging uplink, so the serverless lane is judged at its spread points too.
const prototype = (rateRps: number, uplinkMbps: number): PlannerInput => ({
  ...plannerInput(rateRps, uplinkMbps, 1000, true, 100),
  rateHighRps: rateRps * 1.3,
  linkSpread: { serverless: swinging },
});

// Exact equality: toEqual compares numbers with Object.is, so a last-bit difference (or -0 for 0) fails.
describe('memoised lane models', () => {
  it('answer every configuration exactly as the direct models do, in the order a search asks', () => {
    for (const input of [product(48, 0.5, 1000, true), product(150, 20, 1000, true), product(20, 2, 500, false), product(5, 0.05, 2000, true), prototype(48, 8), prototype(20, 2)]) {
      const direct = directLaneModels(input);
      const memo = memoisedLaneModels(input);
      const options = serverlessOptions(input);
      for (const rate of [input.rateRps * 0.05, input.rateRps * 0.5, input.rateRps]) {
        for (const batch of edgeBatchGrid(input.bounds.maxBatch.edge)) {
          for (const timeoutMs of [0, 0.1 * input.sloMs, 0.4 * input.sloMs, input.sloMs]) {
            const expected = direct.edge(batch, timeoutMs, rate);
            const got = memo.edge(batch, timeoutMs, rate);
            expect(got).toEqual(expected);
            expect(memo.edgeHedgeUsd(got, options[0])).toBe(direct.edgeHedgeUsd(expected, options[0]));
          }
        }
        for (const option of options) {
          for (const batch of serverlessBatchGrid(input.bounds.maxBatch.serverless)) {
            for (const asked of [0, 0.1 * input.sloMs, input.sloMs]) {
              const timeoutMs = effectiveTimeoutMs(input.sloMs, asked, serverlessTailMs(input, option, batch));
              const warm = direct.warmChoices(option, batch, timeoutMs, rate);
              expect(memo.warmChoices(option, batch, timeoutMs, rate)).toEqual(warm);
              for (const w of [...warm, 3]) expect(memo.serverless(option, batch, timeoutMs, rate, w)).toEqual(direct.serverless(option, batch, timeoutMs, rate, w));
            }
          }
        }
      }
    }
  });

  it('give the planner the same search result on a grid of inputs', () => {
    const inputs: PlannerInput[] = [];
    for (const rate of [5, 48, 150]) for (const mbps of [0.5, 2, 20]) for (const spread of [false, true]) inputs.push(product(rate, mbps, 1000, spread));
    inputs.push(product(48, 2, 500, true), product(48, 2, 2000, true), product(0.1, 2, 1000, true), prototype(48, 8), prototype(48, 3), prototype(150, 20));
    const edgeOnly = product(48, 2, 1000, true);
    const serverlessOnly = product(48, 2, 1000, true);
    inputs.push({ ...edgeOnly, bounds: { ...edgeOnly.bounds, serverlessHealthy: false } }, { ...serverlessOnly, bounds: { ...serverlessOnly.bounds, edgeHealthy: false } });
    for (const input of inputs) expect(searchGoodput(input, memoisedLaneModels)).toEqual(searchGoodput(input, directLaneModels));
  });
});
