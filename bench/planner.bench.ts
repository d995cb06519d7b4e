/**
 * Time per plan, ours (planBestEffort: the production planner, which plans by goodput when the p99 cannot be
 * promised) and seed, at a few rates and bandwidths with the built-in profiles.
 * Reproduce: npm run bench -- planner
 */
import { markdownTable, writeBenchResult } from './report.js';
import { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES, DEFAULT_SLO_TARGET, type PlannerInput } from '../shared/core/planner/input.js';
import { planBestEffort } from '../shared/core/planner/best-effort.js';
import { tryPlan } from '../shared/core/planner/plan.js';
import { planSeed } from '../shared/core/planner/seed.js';
import { DEFAULT_PRICES } from '../shared/core/pricing/prices.js';
import { DEFAULT_PROFILES } from '../shared/core/profiles/default-profiles.js';
import { DEFAULT_TRACED_LANE, laneBandwidths, topologyLinks } from '../shared/core/topology.js';

const cases: Array<{ rateRps: number; mbps: number; sloMs: number }> = [];
for (const rateRps of [5, 48, 150]) for (const mbps of [2, 20]) for (const sloMs of [1000, 2000]) cases.push({ rateRps, mbps, sloMs });

function input(c: (typeof cases)[number]): PlannerInput {
  return {
    rateRps: c.rateRps,
    bandwidthMbps: laneBandwidths(DEFAULT_TRACED_LANE, c.mbps),
    rttMs: topologyLinks(DEFAULT_TRACED_LANE).rttMs,
    payloadBytes: DEFAULT_PAYLOAD_BYTES,
    sloMs: c.sloMs,
    sloTarget: DEFAULT_SLO_TARGET,
    profiles: DEFAULT_PROFILES,
    prices: DEFAULT_PRICES,
    bounds: DEFAULT_BOUNDS,
    nowMs: 0,
    reason: 'manual',
  };
}

function timePerCall(fn: () => unknown): number {
  for (let i = 0; i < 20; i += 1) fn();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < 300) {
    fn();
    calls += 1;
  }
  return (performance.now() - start) / calls;
}

const rows = cases.map((c) => {
  const x = input(c);
  const ours = planBestEffort(x);
  return {
    ...c,
    oursMs: timePerCall(() => planBestEffort(x)),
    seedMs: timePerCall(() => planSeed(x)),
    feasible: tryPlan(x) !== undefined,
    edgeShare: ours.lanes.edge.share,
    predictedAttainment: ours.predicted.attainment ?? null,
  };
});

const markdown = `## Planner: time per plan

\`npm run bench -- planner\` (node ${process.version}, built-in profiles). "p99 promised: no" rows are best-effort plans (goodput search), with their predicted attainment.

${markdownTable(
  ['rate (req/s)', 'serverless Mbit/s', 'SLO (ms)', 'ours (ms/plan)', 'seed (ms/plan)', 'p99 promised', 'edge share', 'predicted attainment'],
  rows.map((r) => [r.rateRps, r.mbps, r.sloMs, r.oursMs.toFixed(3), r.seedMs.toFixed(4), r.feasible ? 'yes' : 'no', r.edgeShare.toFixed(3), r.predictedAttainment === null ? '-' : `${(r.predictedAttainment * 100).toFixed(1)}%`]),
)}

Worst ours: ${Math.max(...rows.map((r) => r.oursMs)).toFixed(3)} ms per plan.`;
console.log(markdown);
writeBenchResult('planner', { rows }, markdown);
