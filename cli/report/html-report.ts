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

export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON safe inside a <script> element: no "</script>" or "<!--" can close or confuse it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export interface PageParts {
  readonly title: string;
  /** Paragraphs under the title (plain text). */
  readonly notes: readonly string[];
  /** The page's own HTML between the notes and the scripts (escape any text in it with escapeHtml). */
  readonly body: string;
  /** Embedded as JSON in <script id="report-data"> for the page script. */
  readonly data: unknown;
  /** The page's script (runs after uPlot). */
  readonly script: string;
}

/** A report page with uPlot's script and styles inlined: one file that opens anywhere without a network. */
export function selfContainedPage(parts: PageParts): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(parts.title)}</title>
<style>${uplotFile('uPlot.min.css')}</style>
<style>body{font-family:system-ui,sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}section{margin:24px 0}</style>
</head><body>
<h1>${escapeHtml(parts.title)}</h1>
${parts.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('\n')}
${parts.body}
<script id="report-data" type="application/json">${scriptJson(parts.data)}</script>
<script>${uplotFile('uPlot.iife.min.js')}</script>
<script>${parts.script}</script>
</body></html>
`;
}

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
  return selfContainedPage({
    title,
    notes,
    body: [
      `<section>${table}</section>`,
      '<section><label>Policy for the time plots: <select id="policy"></select></label><div id="traces"></div></section>',
      '<section id="cdf"></section>',
      '<section><h3>Cost against SLO attainment</h3><div id="scatter"></div></section>',
    ].join('\n'),
    data,
    script: PAGE_SCRIPT,
  });
}
