/**
 * Time per plan, ours (planBestEffort: the production planner; best effort by goodput when no plan reaches the
 * target) and seed, at a few rates, edge links and SLOs with the built-in profiles.
 * Reproduce: npm run bench -- planner
 */
import { markdownTable, writeBenchResult } from './report.js';
import { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES, DEFAULT_SLO_TARGET, type PlannerInput } from '../shared/core/planner/input.js';
import { planBestEffort } from '../shared/core/planner/best-effort.js';
import { planSeed } from '../shared/core/planner/seed.js';
import { DEFAULT_PRICES } from '../shared/core/pricing/prices.js';
import { DEFAULT_PROFILES } from '../shared/core/profiles/default-profiles.js';
import { DEFAULT_TRACED_LANE, laneBandwidths, topologyLinks } from '../shared/core/topology.js';

/** A cellular link's swing: 20 quantiles of recent samples relative to their median, one of them a dead second. */
const CELLULAR_SPREAD = Array.from({ length: 20 }, (_, i) => (i === 0 ? 0.01 : 0.3 + 0.05 * i));

const cases: Array<{ rateRps: number; mbps: number; sloMs: number; swinging: boolean }> = [];
for (const rateRps of [5, 48, 150]) for (const mbps of [2, 20]) for (const sloMs of [1000, 2000]) for (const swinging of [false, true]) cases.push({ rateRps, mbps, sloMs, swinging });

function input(c: (typeof cases)[number]): PlannerInput {
  return {
    rateRps: c.rateRps,
    bandwidthMbps: laneBandwidths(DEFAULT_TRACED_LANE, c.mbps),
    rttMs: topologyLinks(DEFAULT_TRACED_LANE).rttMs,
    payloadBytes: DEFAULT_PAYLOAD_BYTES,
    sloMs: c.sloMs,
    sloTarget: DEFAULT_SLO_TARGET,
    ...(c.swinging ? { linkSpread: { edge: CELLULAR_SPREAD } } : {}),
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
    reachesTarget: ours.predicted.attainment >= x.sloTarget,
    edgeShare: ours.lanes.edge.share,
    predictedAttainment: ours.predicted.attainment,
  };
});

const markdown = `## Planner: time per plan

\`npm run bench -- planner\` (node ${process.version}, built-in profiles, the product's topology: the Mbit/s are the edge's link; "swinging": the planner averages over a cellular link's spread, one sample in twenty dead). "reaches 99.9%: no" rows are best-effort plans (goodput search).

${markdownTable(
  ['rate (req/s)', 'edge Mbit/s', 'link', 'SLO (ms)', 'ours (ms/plan)', 'seed (ms/plan)', 'reaches 99.9%', 'edge share', 'predicted attainment'],
  rows.map((r) => [r.rateRps, r.mbps, r.swinging ? 'swinging' : 'steady', r.sloMs, r.oursMs.toFixed(3), r.seedMs.toFixed(4), r.reachesTarget ? 'yes' : 'no', r.edgeShare.toFixed(3), `${(r.predictedAttainment * 100).toFixed(2)}%`]),
)}

Worst ours: ${Math.max(...rows.map((r) => r.oursMs)).toFixed(3)} ms per plan.`;
console.log(markdown);
writeBenchResult('planner', { rows }, markdown);
