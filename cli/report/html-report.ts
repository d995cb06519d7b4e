/**
 * `edgebatch simulate --report FILE.html`: one self-contained HTML page (uPlot's script and styles inlined from
 * node_modules/uplot/dist, no CDN) with the comparison table and the plots.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SimulationResult } from '../../shared/core/sim/index.js';
import { formatResultRows, RESULT_COLUMNS } from './table.js';
import { PAGE_SCRIPT } from './page-script.js';
import { reportData } from './report-data.js';

const require = createRequire(import.meta.url);
const uplotFile = (name: string): string => readFileSync(require.resolve(`uplot/dist/${name}`), 'utf8');

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON safe inside a <script> element: no "</script>" or "<!--" can close or confuse it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function htmlReport(result: SimulationResult, title: string, notes: readonly string[] = []): string {
  const data = reportData(result, title);
  const rows = formatResultRows(result.runs.map((run) => run.result));
  const table = [
    '<table><thead><tr>',
    ...RESULT_COLUMNS.map((c) => `<th>${escapeHtml(c.header)}</th>`),
    '</tr></thead><tbody>',
    ...rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${uplotFile('uPlot.min.css')}</style>
<style>body{font-family:system-ui,sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}section{margin:24px 0}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
${notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('\n')}
<section>${table}</section>
<section><label>Policy for the time plots: <select id="policy"></select></label><div id="traces"></div></section>
<section id="cdf"></section>
<section><h3>Cost against SLO attainment</h3><div id="scatter"></div></section>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${uplotFile('uPlot.iife.min.js')}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
