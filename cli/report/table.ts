/** The comparison table (one row per policy) as text columns, shared by the terminal table, markdown and HTML. */
import type { PolicyResult } from '../../shared/core/sim/summary.js';

export interface Column {
  readonly header: string;
  readonly cell: (r: PolicyResult) => string;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-');

export const RESULT_COLUMNS: readonly Column[] = [
  { header: 'policy', cell: (r) => r.policy },
  { header: 'requests', cell: (r) => String(r.requests) },
  { header: 'SLO met %', cell: (r) => (r.sloAttainment * 100).toFixed(3) },
  { header: 'p50 ms', cell: (r) => ms(r.latencyP50Ms) },
  { header: 'p95 ms', cell: (r) => ms(r.latencyP95Ms) },
  { header: 'p99 ms', cell: (r) => ms(r.latencyP99Ms) },
  { header: 'max ms', cell: (r) => ms(r.latencyMaxMs) },
  { header: 'cost USD', cell: (r) => r.costTotalUsd.toFixed(4) },
  { header: 'USD/M req', cell: (r) => r.costPerMillionUsd.toFixed(2) },
  { header: 're-plans', cell: (r) => String(r.replans) },
  { header: 'edge share', cell: (r) => r.edgeShare.toFixed(3) },
  { header: 'FC calls', cell: (r) => String(r.serverlessInvocations) },
  { header: 'cold starts', cell: (r) => String(r.coldStarts) },
  { header: 'rejected', cell: (r) => String(r.rejected) },
  { header: 'hedged (won)', cell: (r) => `${r.hedgesSent} (${r.hedgesWon})` },
];

export function formatResultRows(results: readonly PolicyResult[]): string[][] {
  return results.map((r) => RESULT_COLUMNS.map((c) => c.cell(r)));
}

/** A plain aligned text table for the terminal. */
export function textTable(results: readonly PolicyResult[]): string {
  const rows = [RESULT_COLUMNS.map((c) => c.header), ...formatResultRows(results)];
  const widths = RESULT_COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** A markdown table. */
export function markdownResults(results: readonly PolicyResult[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(RESULT_COLUMNS.map((c) => c.header)), line(RESULT_COLUMNS.map(() => '---')), ...formatResultRows(results).map(line)].join('\n');
}
