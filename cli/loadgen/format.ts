import type { ReplaySummary } from './summary.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '-');
const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '-');

/** The summary as a small two-column table, with optional extra rows (cost, re-plans from the scheduler). */
export function formatSummary(summary: ReplaySummary, sloMs: number, extra: ReadonlyArray<[string, string]> = []): string {
  const rows: Array<[string, string]> = [
    ['requests', String(summary.requests)],
    ['answered with a result', String(summary.answered)],
    [`SLO attainment (${sloMs / 1000} s)`, pct(summary.sloAttainment)],
    ['latency p50', ms(summary.latencyP50Ms)],
    ['latency p99', ms(summary.latencyP99Ms)],
    ['latency max', ms(summary.latencyMaxMs)],
    ['placement edge / serverless', `${pct(summary.edgeShare)} / ${pct(1 - summary.edgeShare)}`],
    ['mean batch size', Object.entries(summary.meanBatchSize).map(([lane, mean]) => `${lane} ${mean.toFixed(1)}`).join(', ') || '-'],
    ['errors', Object.entries(summary.errors).map(([code, count]) => `${code} ${count}`).join(', ') || 'none'],
    ...extra,
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
