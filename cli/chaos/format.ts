/** The chaos run's table, as `npm run chaos` prints it. */
import type { ChaosReport } from './run-chaos.js';

export function formatChaosReport(report: ChaosReport): string {
  const { tally } = report;
  const rows: [string, string][] = [
    ['requests sent', String(tally.sent)],
    ['refused at the door (4xx, 429)', String(tally.refused)],
    ...Object.entries(tally.refusedByCode)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, count]): [string, string] => [`  refused ${code}`, String(count)]),
    ['accepted', String(tally.accepted)],
    ['answered with a result', `${tally.answeredResult} (${Object.entries(tally.byLane).map(([lane, n]) => `${lane} ${n}`).join(', ') || 'none'})`],
    ['answered with an error', String(tally.answeredError)],
    ...Object.entries(tally.errorsByCode)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, count]): [string, string] => [`  error ${code}`, String(count)]),
    ['lost (no answer)', `${tally.lost}${tally.lost === 0 ? '' : '   <-- FAIL'}`],
    ['answered twice', `${tally.answeredTwice}${tally.answeredTwice === 0 ? '' : '   <-- FAIL'}`],
    ['results while the edge was dead', `edge ${report.whileEdgeDead.edge}, serverless ${report.whileEdgeDead.serverless}`],
    ['results after its first restart', `edge ${report.afterEdgeBack.edge}, serverless ${report.afterEdgeBack.serverless}`],
    ['edge back after restart done', report.edgeBackAfterMs === undefined ? 'never  <-- edge did not come back' : `${(report.edgeBackAfterMs / 1000).toFixed(1)} s`],
    ['FC calls (faults injected)', `${report.functionCalls.total} (${report.functionCalls.faulted})`],
    ['state store requests', String(report.storeOperations)],
    ['scheduler healthy after', report.schedulerHealthyAfter ? 'yes' : 'NO'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const faults = report.steps.map((step) => `  t=${(step.atMs / 1000).toFixed(1).padStart(5)} s  ${step.label}${step.doneAtMs - step.atMs > 500 ? ` (done at ${(step.doneAtMs / 1000).toFixed(1)} s)` : ''}${step.error ? ` (failed: ${step.error})` : ''}`);
  return [
    `faults applied:`,
    ...faults,
    ``,
    `================ chaos (${(report.durationMs / 1000).toFixed(0)} s) ================`,
    ...rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
  ].join('\n');
}

/** Nothing lost, nothing answered twice. */
export function chaosPassed(report: ChaosReport): boolean {
  return report.tally.lost === 0 && report.tally.answeredTwice === 0;
}
