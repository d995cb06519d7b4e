/**
 * What the HTML report plots, computed from a simulation result: compact arrays only (the page embeds them as
 * JSON), so a one-hour run stays a few hundred kilobytes.
 */
import type { SimulationResult } from '../../shared/core/sim/index.js';
import type { PolicyResult } from '../../shared/core/sim/summary.js';

export interface PolicySeries {
  readonly policy: string;
  readonly planBatch: { edge: number[]; serverless: number[] };
  readonly meanBatch: { edge: number[]; serverless: number[] };
  /** Fraction of each second's dispatched requests that went to the edge (null when none). */
  readonly edgeFraction: Array<number | null>;
  readonly replansS: number[];
  readonly replanReasons: string[];
  readonly changepointsS: number[];
}

export interface ReportData {
  readonly title: string;
  readonly sloMs: number;
  readonly seconds: number[];
  readonly arrivals: number[];
  readonly bandwidth: { edge: number[]; serverless: number[] };
  readonly policies: PolicySeries[];
  readonly results: PolicyResult[];
  /** Latency CDF on a shared log-spaced grid: x in ms, one y array (fraction answered within x) per policy. */
  readonly cdf: { x: number[]; y: Record<string, number[]> };
}

function cdfOnGrid(runs: SimulationResult['runs'], points = 200): ReportData['cdf'] {
  const all = runs.flatMap((run) => (run.latencyCdfMs.length > 0 ? [run.latencyCdfMs[0]!, run.latencyCdfMs[run.latencyCdfMs.length - 1]!] : []));
  const low = Math.max(1, Math.min(...all, 1e9));
  const high = Math.max(low * 1.01, ...all);
  const x = Array.from({ length: points }, (_, i) => low * Math.pow(high / low, i / (points - 1)));
  const y: Record<string, number[]> = {};
  for (const run of runs) {
    const sorted = run.latencyCdfMs;
    // Fraction of ALL requests (rejected ones never arrive at any latency), so the curve tops out at 1 - rejected share.
    const answeredShare = run.result.requests > 0 ? (run.result.requests - run.result.rejected) / run.result.requests : 0;
    let j = 0;
    y[run.result.policy] = x.map((v) => {
      while (j < sorted.length && sorted[j]! <= v) j++;
      return sorted.length > 0 ? (j / sorted.length) * answeredShare : 0;
    });
  }
  return { x, y };
}

export function reportData(result: SimulationResult, title: string): ReportData {
  const first = result.runs[0];
  const seconds = first ? first.series.arrivals.map((_, i) => i) : [];
  const policies: PolicySeries[] = result.runs.map((run) => ({
    policy: run.result.policy,
    planBatch: run.series.planBatch,
    meanBatch: run.series.meanBatch,
    edgeFraction: run.series.dispatched.edge.map((e, i) => {
      const total = e + (run.series.dispatched.serverless[i] ?? 0);
      return total > 0 ? e / total : null;
    }),
    replansS: run.replanEvents.map((r) => r.atMs / 1000),
    replanReasons: run.replanEvents.map((r) => r.reason),
    changepointsS: run.changepointsMs.map((ms) => ms / 1000),
  }));
  return {
    title,
    sloMs: result.sloMs,
    seconds,
    arrivals: first ? first.series.arrivals : [],
    bandwidth: first ? first.series.bandwidthMbps : { edge: [], serverless: [] },
    policies,
    results: result.runs.map((run) => run.result),
    cdf: cdfOnGrid(result.runs),
  };
}
