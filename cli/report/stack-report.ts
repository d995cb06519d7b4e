/**
 * `edgebatch stack` (`npm start`) writes one self-contained HTML page of its run, in the style of
 * `simulate --report`: the arrival rate and the edge link over time with the changepoints and re-plans marked,
 * batch sizes planned and sent, the split over time, latency over time and its CDF, and the summary table.
 * Everything comes from the run's record (cli/stack/run-recorder.ts).
 */
import { quantileSorted } from '../../shared/core/stats/quantile-sorted.js';
import type { ReplayRecord } from '../loadgen/replay.js';
import type { PlanSample, StackRunRecord } from '../stack/run-recorder.js';
import { escapeHtml, selfContainedPage } from './html-report.js';
import { PLOT_HELPERS } from './page-script.js';

type Lane = 'edge' | 'serverless';
type Series = Array<number | null>;

export interface StackReportData {
  readonly title: string;
  readonly sloMs: number;
  readonly seconds: number[];
  /** Requests the load generator sent in each second. */
  readonly sent: number[];
  /** The scheduler's arrival-rate estimate (its history), at each second. */
  readonly rateEstimate: Series;
  /** The edge link's true bandwidth (the shaped trace) and the scheduler's estimate of it. */
  readonly linkMbps: Series;
  readonly linkEstimateMbps: Series;
  readonly changepoints: { readonly rate: number[]; readonly bandwidth: number[] };
  readonly replans: ReadonlyArray<{ readonly tS: number; readonly reason: string }>;
  /** Largest batch of the plan in force (null while the plan sends the lane nothing). */
  readonly planBatch: Readonly<Record<Lane, Series>>;
  /** Mean size of the batches that answered the requests sent in each second. */
  readonly sentBatch: Readonly<Record<Lane, Series>>;
  /** Edge share of the requests sent in each second and answered, and the plan's edge share. */
  readonly edgeShare: Series;
  readonly planEdgeShare: Series;
  /** Latency of the requests sent in each second (answered ones; ms). */
  readonly latencyP50: Series;
  readonly latencyP99: Series;
  /** Requests sent in each second that missed the SLO: answered late, refused or failed. */
  readonly missed: number[];
  /** Axis tops that keep an outlier (a batch limit of 200 with no wait, a first bandwidth probe) from flattening the rest. */
  readonly batchAxisMax: number;
  readonly mbpsAxisMax: number;
  /** Fraction of all requests answered within x ms: overall and per lane (of each lane's requests). */
  readonly cdf: { readonly x: number[]; readonly y: Readonly<Record<string, number[]>> };
}

/** The plan in force at each second: the last sample taken at or before it. */
function planAt(plans: readonly PlanSample[], seconds: readonly number[]): Array<PlanSample | undefined> {
  let j = -1;
  return seconds.map((s) => {
    while (j + 1 < plans.length && plans[j + 1]!.tS <= s + 0.5) j++;
    return j >= 0 ? plans[j] : undefined;
  });
}

/** A series sampled at whole seconds from (tS, value) points: the last point in [s - 1, s]. */
function resample(tS: readonly number[], values: ReadonlyArray<number | null>, seconds: readonly number[]): Series {
  let j = -1;
  return seconds.map((s) => {
    while (j + 1 < tS.length && tS[j + 1]! <= s) j++;
    return j >= 0 && tS[j]! > s - 1.5 ? (values[j] ?? null) : null;
  });
}

function perSecond(records: readonly ReplayRecord[], length: number) {
  const bins = Array.from({ length }, () => [] as ReplayRecord[]);
  for (const record of records) {
    const s = Math.floor(record.sentAtMs / 1000);
    if (s >= 0 && s < length) bins[s]!.push(record);
  }
  return bins;
}

function cdf(records: readonly ReplayRecord[], points = 160): StackReportData['cdf'] {
  const groups: Record<string, { latencies: number[]; of: number }> = { all: { latencies: [], of: records.length } };
  for (const lane of ['edge', 'serverless'] as const) {
    const own = records.filter((r) => r.placement === lane);
    if (own.length > 0) groups[lane] = { latencies: [], of: own.length };
  }
  for (const record of records) {
    if (record.status !== 200) continue;
    groups.all!.latencies.push(record.latencyMs);
    groups[record.placement ?? '']?.latencies.push(record.latencyMs);
  }
  const all = groups.all!.latencies.sort((a, b) => a - b);
  const low = Math.max(1, all[0] ?? 1);
  const high = Math.max(low * 1.01, all.at(-1) ?? 1);
  const x = Array.from({ length: points }, (_, i) => low * Math.pow(high / low, i / (points - 1)));
  const y: Record<string, number[]> = {};
  for (const [name, group] of Object.entries(groups)) {
    const sorted = group.latencies.sort((a, b) => a - b);
    let j = 0;
    y[name] = x.map((v) => {
      while (j < sorted.length && sorted[j]! <= v) j++;
      return group.of > 0 ? j / group.of : 0;
    });
  }
  return { x, y };
}

export function stackReportData(run: StackRunRecord, title: string): StackReportData {
  const length = Math.ceil(run.durationS) + 1;
  const seconds = Array.from({ length }, (_, i) => i);
  const bins = perSecond(run.records, length);
  const plans = planAt(run.plans, seconds);
  const answered = bins.map((bin) => bin.filter((r) => r.status === 200));
  const sentBatch = (lane: Lane): Series =>
    answered.map((bin) => {
      const sizes = bin.filter((r) => r.placement === lane && r.batchSize).map((r) => r.batchSize!);
      const batches = sizes.reduce((sum, b) => sum + 1 / b, 0);
      return batches > 0 ? sizes.length / batches : null;
    });
  const latency = (q: number): Series =>
    answered.map((bin) => {
      const sorted = bin.map((r) => r.latencyMs).sort((a, b) => a - b);
      return sorted.length > 0 ? quantileSorted(sorted, q) : null;
    });
  const sent = { edge: sentBatch('edge'), serverless: sentBatch('serverless') };
  const largestSent = Math.max(1, ...[...sent.edge, ...sent.serverless].map((x) => x ?? 0));
  const linkMax = Math.max(1, ...run.link.mbps);
  return {
    title,
    sloMs: run.sloMs,
    seconds,
    sent: bins.map((bin) => bin.length),
    rateEstimate: resample(run.history.tS, run.history.rateRps, seconds),
    linkMbps: seconds.map((s) => run.link.mbps[s] ?? null),
    linkEstimateMbps: resample(run.history.tS, run.history.edgeMbps, seconds),
    changepoints: {
      rate: run.changepoints.filter((c) => c.kind === 'rate').map((c) => c.tS),
      bandwidth: run.changepoints.filter((c) => c.kind === 'bandwidth').map((c) => c.tS),
    },
    replans: run.replans,
    planBatch: {
      edge: plans.map((p) => (p && p.lanes.edge.share > 0 ? p.lanes.edge.batchSize : null)),
      serverless: plans.map((p) => (p && p.lanes.serverless.share > 0 ? p.lanes.serverless.batchSize : null)),
    },
    sentBatch: sent,
    edgeShare: answered.map((bin) => (bin.length > 0 ? bin.filter((r) => r.placement === 'edge').length / bin.length : null)),
    planEdgeShare: plans.map((p) => (p ? p.lanes.edge.share : null)),
    latencyP50: latency(0.5),
    latencyP99: latency(0.99),
    missed: bins.map((bin) => bin.filter((r) => r.status !== 200 || r.latencyMs > run.sloMs).length),
    batchAxisMax: Math.max(8, Math.ceil(largestSent * 2)),
    mbpsAxisMax: Math.ceil(linkMax * 1.25),
    cdf: cdf(run.records),
  };
}

/** The stack report's script: four time plots sharing the run's clock, and the latency CDF. */
export const STACK_PAGE_SCRIPT =
  PLOT_HELPERS +
  String.raw`
/** uPlot plugin: re-plan lines with their reason written beside them. */
function labelled(events, color) {
  return { hooks: { draw: [(u) => {
    const ctx = u.ctx; ctx.save(); ctx.strokeStyle = color; ctx.fillStyle = '#444'; ctx.lineWidth = 1;
    ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
    for (const e of events) {
      const px = Math.round(u.valToPos(e.tS, 'x', true));
      if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath(); ctx.moveTo(px, u.bbox.top); ctx.lineTo(px, u.bbox.top + u.bbox.height); ctx.stroke();
      ctx.save(); ctx.translate(px + 3 * devicePixelRatio, u.bbox.top + 4 * devicePixelRatio); ctx.rotate(Math.PI / 2);
      ctx.fillText(e.reason, 0, 0); ctx.restore();
    }
    ctx.restore();
  }] } };
}

const cps = [markers(data.changepoints.rate, '#d62728', [6, 3]), markers(data.changepoints.bandwidth, '#1f77b4', [2, 3])];
const replanLines = markers(data.replans.map((e) => e.tS), 'rgba(0,0,0,0.3)', []);
const xAxis = { label: 'time since the replay began (s)' };

chart(document.getElementById('rate'), {
  title: 'Arrival rate and the edge link (dashed: changepoints, red = rate, blue = link; grey: re-plans and why)',
  scales: { x: { time: false }, mbps: { range: [0, data.mbpsAxisMax] } },
  axes: [xAxis, { label: 'requests/s', scale: 'y' }, { side: 1, label: 'Mbit/s', scale: 'mbps', grid: { show: false } }],
  series: [{ label: 's' },
    { label: 'sent/s', stroke: COLORS[0], scale: 'y' },
    { label: 'rate estimate (BOCPD)', stroke: '#9ecae1', width: 2, scale: 'y' },
    { label: 'edge link (trace)', stroke: COLORS[2], scale: 'mbps' },
    { label: 'edge link estimate', stroke: '#a1d99b', width: 2, scale: 'mbps' }],
  plugins: [labelled(data.replans, 'rgba(0,0,0,0.35)'), ...cps],
}, [data.seconds, data.sent, data.rateEstimate, data.linkMbps, data.linkEstimateMbps]);

chart(document.getElementById('batches'), {
  title: 'Batch sizes: planned (largest batch of the plan in force) and sent (mean per second)',
  scales: { x: { time: false }, y: { range: [0, data.batchAxisMax] } },
  axes: [xAxis, { label: 'batch size' }],
  series: [{ label: 's' },
    { label: 'plan: edge', stroke: COLORS[2], width: 2 },
    { label: 'plan: inference function', stroke: COLORS[3], width: 2 },
    { label: 'sent: edge', stroke: 'rgba(44,160,44,0.5)', points: { show: true, size: 4 }, width: 0 },
    { label: 'sent: inference function', stroke: 'rgba(255,127,14,0.6)', points: { show: true, size: 4 }, width: 0 }],
  plugins: [replanLines],
}, [data.seconds, data.planBatch.edge, data.planBatch.serverless, data.sentBatch.edge, data.sentBatch.serverless]);

chart(document.getElementById('split'), {
  title: 'Split: share of each second\'s answered requests that ran on the edge (the rest: the inference function)',
  scales: { x: { time: false }, y: { range: [0, 1] } },
  axes: [xAxis, { label: 'edge share' }],
  series: [{ label: 's' },
    { label: 'answered on the edge', stroke: COLORS[4] },
    { label: 'plan\'s edge share', stroke: '#555', dash: [5, 4] }],
  plugins: [replanLines, ...cps],
}, [data.seconds, data.edgeShare, data.planEdgeShare]);

chart(document.getElementById('latency'), {
  title: 'Latency of the requests sent in each second (SLO ' + data.sloMs + ' ms dashed), and those that missed it',
  scales: { x: { time: false } },
  axes: [xAxis, { label: 'ms' }, { side: 1, label: 'missed per second', scale: 'missed', grid: { show: false } }],
  series: [{ label: 's' }, { label: 'p50', stroke: COLORS[0] }, { label: 'p99', stroke: COLORS[1] },
    { label: 'SLO', stroke: '#000', dash: [6, 4] },
    { label: 'missed (late, refused or failed)', stroke: 'rgba(127,127,127,0.8)', fill: 'rgba(127,127,127,0.15)', scale: 'missed' }],
  plugins: [replanLines],
}, [data.seconds, data.latencyP50, data.latencyP99, data.seconds.map(() => data.sloMs), data.missed]);

const names = Object.keys(data.cdf.y);
chart(document.getElementById('cdf'), {
  title: 'Latency CDF (fraction of the requests answered within x; SLO ' + data.sloMs + ' ms dashed)',
  scales: { x: { time: false, distr: 3 }, y: { range: [0, 1] } },
  axes: [{ label: 'latency (ms, log)' }, { label: 'fraction' }],
  series: [{ label: 'ms' }, ...names.map((n, i) => ({ label: n === 'serverless' ? 'inference function' : n, stroke: [COLORS[0], COLORS[2], COLORS[3]][i % 3] }))],
  plugins: [markers([data.sloMs], '#000', [6, 4])],
}, [data.cdf.x, ...names.map((n) => data.cdf.y[n])]);

// For tests and the curious (the browser console): the charts and what they drew.
window.edgebatchReport = { charts, data };
`;

/** The page: header notes, the summary table, the re-plans, and the plots. */
export function stackHtmlReport(
  run: StackRunRecord,
  options: { title: string; notes: readonly string[]; rows: ReadonlyArray<readonly [string, string]>; replans: readonly string[] },
): string {
  const table = ['<table><tbody>', ...options.rows.map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td style="text-align:left">${escapeHtml(value)}</td></tr>`), '</tbody></table>'].join('');
  const scenario = Object.entries(run.scenario).map(([key, value]) => `<li><b>${escapeHtml(key)}</b>: ${escapeHtml(value)}</li>`).join('');
  return selfContainedPage({
    title: options.title,
    notes: options.notes,
    body: [
      `<section><h3>What ran</h3><ul>${scenario}</ul></section>`,
      `<section><h3>Summary</h3>${table}</section>`,
      `<section><h3>Re-plans</h3><pre>${escapeHtml(options.replans.join('\n') || 'none')}</pre></section>`,
      '<section id="rate"></section>',
      '<section id="batches"></section>',
      '<section id="split"></section>',
      '<section id="latency"></section>',
      '<section id="cdf"></section>',
    ].join('\n'),
    data: stackReportData(run, options.title),
    script: STACK_PAGE_SCRIPT,
  });
}
