/**
 * Policy comparison on real traces (issue 4, "Results"): the Twitter hour (172,541 requests) against the AT&T LTE
 * uplink and two Pensieve traces, at SLO 1 s and 0.5 s, default profiles, every policy. Writes the tables, the
 * targets for `ours` and whether they hold, simulated requests per second of wall time, and the HTML report of
 * the first scenario to bench/results/simulate-report.html; then ours against periodic at SLO 1 s under two more
 * noise seeds.
 *
 * Reproduce: npm run bench -- simulate
 * Quicker look (a part of the hour): SIMULATE_BENCH_WINDOW=0:900 npm run bench -- simulate
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PRICES } from '../shared/core/pricing/index.js';
import { DEFAULT_PROFILES } from '../shared/core/profiles/default-profiles.js';
import { checkAttainmentModel, defaultPlanners, ONLINE_POLICIES, POLICY_NAMES, simulate, type PolicyResult, type SimulationResult } from '../shared/core/sim/index.js';
import { readArrivals, readBandwidth } from '../cli/traces-files.js';
import { htmlReport } from '../cli/report/html-report.js';
import { markdownResults } from '../cli/report/table.js';
import { parseWindow } from '../shared/core/traces/text-lines.js';
import { markdownTable, writeBenchResult } from './report.js';

const DATA = join(import.meta.dirname, '..', 'data');
const ARRIVALS = 'seed/workload/TW_may25_15-16.gz';
const BANDWIDTHS = [
  'traces/bandwidth/mahimahi/ATT-LTE-driving.up.gz',
  'traces/bandwidth/pensieve/train/bus.ljansbakken-oslo-report.2010-09-30_1114CEST.log',
  'traces/bandwidth/pensieve/train/trace_866_http---www.amazon.com',
];
const SLOS_MS = [1000, 500];

interface Target {
  readonly name: string;
  readonly holds: boolean;
  readonly detail: string;
}

/** The issue's targets for `ours` on one run. */
export function targets(rows: readonly PolicyResult[]): Target[] {
  const by = (name: string) => rows.find((r) => r.policy === name)!;
  const ours = by('ours');
  const oracle = by('oracle');
  const periodic = by('periodic');
  const reaching = rows.filter((r) => ONLINE_POLICIES.includes(r.policy as never) && r.sloAttainment >= 0.999);
  const cheapest = reaching.reduce<PolicyResult | undefined>((best, r) => (!best || r.costTotalUsd < best.costTotalUsd ? r : best), undefined);
  const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
  return [
    { name: 'attainment >= 99.9%', holds: ours.sloAttainment >= 0.999, detail: `ours ${pct(ours.sloAttainment)}` },
    {
      name: 'cheapest online policy reaching 99.9%',
      holds: cheapest?.policy === 'ours',
      detail: cheapest ? `cheapest reaching it: ${cheapest.policy} (USD ${cheapest.costTotalUsd.toFixed(4)}); ours USD ${ours.costTotalUsd.toFixed(4)}` : 'no online policy reaches 99.9%',
    },
    {
      name: 'within 10% of oracle cost',
      // Vacuous when nothing was served (no cost at all): that is a miss, not a hold.
      holds: ours.costTotalUsd <= oracle.costTotalUsd * 1.1 && ours.requests > ours.rejected,
      detail: `ours USD ${ours.costTotalUsd.toFixed(4)} vs oracle USD ${oracle.costTotalUsd.toFixed(4)}${oracle.costTotalUsd > 0 ? ` (${((ours.costTotalUsd / oracle.costTotalUsd - 1) * 100).toFixed(1)}%)` : ''}${ours.requests === ours.rejected ? '; ours served nothing' : ''}`,
    },
    {
      name: 're-plans <= 5% of periodic-5s, attainment and cost no worse',
      holds: ours.replans <= 0.05 * periodic.replans && ours.sloAttainment >= periodic.sloAttainment && ours.costTotalUsd <= periodic.costTotalUsd,
      detail: `re-plans ${ours.replans} vs ${periodic.replans} (${((ours.replans / Math.max(1, periodic.replans)) * 100).toFixed(1)}%); attainment ${pct(ours.sloAttainment)} vs ${pct(periodic.sloAttainment)}; cost ${ours.costTotalUsd.toFixed(4)} vs ${periodic.costTotalUsd.toFixed(4)}`,
    },
  ];
}

const windowText = process.env.SIMULATE_BENCH_WINDOW;
const arrivals = readArrivals(join(DATA, ARRIVALS), { seed: 1, ...(windowText ? { window: parseWindow(windowText) } : {}) });
const scenarios: Array<{ sloMs: number; bandwidth: string; result: SimulationResult; wallS: number; targets: Target[] }> = [];
let reportWritten = false;
for (const sloMs of SLOS_MS) {
  for (const file of BANDWIDTHS) {
    const bandwidth = readBandwidth(join(DATA, file));
    const started = performance.now();
    const result = simulate({
      arrivalsMs: arrivals.timesMs,
      durationMs: arrivals.durationMs,
      bandwidth: bandwidth.trace,
      profiles: DEFAULT_PROFILES,
      sloMs,
      policies: [...POLICY_NAMES],
      planners: defaultPlanners(DEFAULT_PRICES),
      options: { seed: 1 },
    });
    const wallS = (performance.now() - started) / 1000;
    const rows = result.runs.map((run) => run.result);
    const checks = targets(rows);
    scenarios.push({ sloMs, bandwidth: file, result, wallS, targets: checks });
    console.log(`SLO ${sloMs} ms, ${file}: ${wallS.toFixed(1)} s wall, ${((rows.length * arrivals.timesMs.length) / wallS).toFixed(0)} simulated requests/s`);
    for (const row of rows) console.log(`  ${row.policy.padEnd(16)} ${(row.sloAttainment * 100).toFixed(3)}%  USD ${row.costTotalUsd.toFixed(4)}  re-plans ${row.replans}`);
    for (const check of checks) console.log(`  [${check.holds ? 'holds' : 'MISSED'}] ${check.name}: ${check.detail}`);
    if (!reportWritten) {
      const dir = join(import.meta.dirname, 'results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'simulate-report.html'), htmlReport(result, `Policy comparison: Twitter hour against ${file}, SLO ${sloMs / 1000} s`, [`Profiles: ${DEFAULT_PROFILES.source}. Reproduce: npm run bench -- simulate`]));
      reportWritten = true;
    }
  }
}

/**
 * How well the planner's attainment model (which ranks best-effort plans) matches the simulator running the real
 * queue: steady Poisson streams (no bursts) on a constant 0.9 Mbit/s uplink, 10 minutes each, `ours` only.
 */
const checks = [20, 48, 60].map((rateRps) =>
  checkAttainmentModel({ rateRps, linkMbps: 0.9, tracedLane: 'serverless', sloMs: 1000, durationMs: 600_000, profiles: DEFAULT_PROFILES, prices: DEFAULT_PRICES, seed: 1 }),
);

/**
 * ours against periodic at SLO 1 s under other noise seeds: the service-time draws differ per seed, and with the
 * edge near saturation one run's attainment moves by about a point, as much as the gap between the two policies.
 */
const EXTRA_SEEDS = [2, 3];
function seedSpread(): Array<{ bandwidth: string; seed: number; ours: PolicyResult; periodic: PolicyResult }> {
  return BANDWIDTHS.flatMap((file) => {
    const bandwidth = readBandwidth(join(DATA, file));
    const seedOne = scenarios.find((s) => s.sloMs === 1000 && s.bandwidth === file)!.result.runs.map((run) => run.result);
    const pick = (rows: readonly PolicyResult[]) => ({ ours: rows.find((r) => r.policy === 'ours')!, periodic: rows.find((r) => r.policy === 'periodic')! });
    const runs = EXTRA_SEEDS.map((seed) => {
      const result = simulate({ arrivalsMs: arrivals.timesMs, durationMs: arrivals.durationMs, bandwidth: bandwidth.trace, profiles: DEFAULT_PROFILES, sloMs: 1000, policies: ['ours', 'periodic'], planners: defaultPlanners(DEFAULT_PRICES), options: { seed } });
      return { bandwidth: file, seed, ...pick(result.runs.map((run) => run.result)) };
    });
    return [{ bandwidth: file, seed: 1, ...pick(seedOne) }, ...runs];
  });
}
const spread = seedSpread();

const totalRequests = scenarios.reduce((sum, s) => sum + s.result.runs.length * arrivals.timesMs.length, 0);
const totalWall = scenarios.reduce((sum, s) => sum + s.wallS, 0);
const markdown = [
  '## Simulator: policy comparison on real traces',
  '',
  `Twitter hour \`${ARRIVALS}\`${windowText ? ` (window ${windowText} s)` : ''} (${arrivals.timesMs.length} requests) against three uplink traces, default profiles, seed 1. ` +
    `Simulated ${totalRequests} requests in ${totalWall.toFixed(1)} s of wall time: ${(totalRequests / totalWall).toFixed(0)} simulated requests per second (all policies). ` +
    'Reproduce: `npm run bench -- simulate`. Report: `bench/results/simulate-report.html`.',
  ...scenarios.flatMap((s) => [
    '',
    `### SLO ${s.sloMs / 1000} s, bandwidth \`${s.bandwidth}\` (${s.wallS.toFixed(1)} s wall)`,
    '',
    markdownResults(s.result.runs.map((run) => run.result)),
    '',
    ...s.targets.map((t) => `- ${t.holds ? 'holds' : '**missed**'}: ${t.name} (${t.detail})`),
  ]),
  '',
  '### The planner\'s attainment model against the simulator',
  '',
  'Steady Poisson arrivals (seeded), 10 minutes each, constant 0.9 Mbit/s uplink, SLO 1 s, `ours`: what the best-effort plan predicts vs what the simulator (the real queue, the measured service spread) gives.',
  '',
  markdownTable(
    ['rate (req/s)', 'predicted within SLO', 'simulated within SLO'],
    checks.map((c) => [c.rateRps, `${(c.predicted * 100).toFixed(1)}%`, `${(c.simulated * 100).toFixed(1)}%`]),
  ),
  '',
  '### ours against periodic under other noise seeds (SLO 1 s)',
  '',
  markdownTable(
    ['uplink', 'seed', 'ours within SLO', 'periodic within SLO', 'ours re-plans', 'ours USD', 'periodic USD'],
    spread.map((s) => [s.bandwidth.split('/').at(-1)!, s.seed, `${(s.ours.sloAttainment * 100).toFixed(2)}%`, `${(s.periodic.sloAttainment * 100).toFixed(2)}%`, s.ours.replans, s.ours.costTotalUsd.toFixed(4), s.periodic.costTotalUsd.toFixed(4)]),
  ),
].join('\n');
writeBenchResult(
  'simulate',
  {
    arrivals: ARRIVALS,
    requests: arrivals.timesMs.length,
    simulatedRequestsPerSecond: totalRequests / totalWall,
    modelCheck: checks,
    seedSpread: spread,
    scenarios: scenarios.map((s) => ({ sloMs: s.sloMs, bandwidth: s.bandwidth, wallS: s.wallS, results: s.result.runs.map((run) => run.result), targets: s.targets })),
  },
  markdown,
);
