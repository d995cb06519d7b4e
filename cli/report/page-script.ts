/**
 * The report pages' own scripts (run in the browser, with uPlot loaded before them). Kept as strings so that a
 * page is one self-contained file; each reads the embedded JSON and draws the plots.
 */

/** What every report page's script starts with: the embedded data, colours, and uPlot helpers. */
export const PLOT_HELPERS = String.raw`
const data = JSON.parse(document.getElementById('report-data').textContent);
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
const width = () => Math.min(1100, document.body.clientWidth - 40);

/** uPlot plugin: vertical marker lines at the given x values. */
function markers(xs, color, dash) {
  return { hooks: { draw: [(u) => {
    const ctx = u.ctx; ctx.save(); ctx.strokeStyle = color; ctx.lineWidth = 1; ctx.setLineDash(dash);
    for (const x of xs) {
      const px = Math.round(u.valToPos(x, 'x', true));
      if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath(); ctx.moveTo(px, u.bbox.top); ctx.lineTo(px, u.bbox.top + u.bbox.height); ctx.stroke();
    }
    ctx.restore();
  }] } };
}

const charts = [];
function chart(el, opts, rows) { const c = new uPlot({ width: width(), height: 260, ...opts }, rows, el); charts.push(c); return c; }
`;

/** The simulation report's script: the time plots per policy, the latency CDF and the cost scatter. */
export const PAGE_SCRIPT = PLOT_HELPERS + String.raw`

function drawTraces(policyName) {
  const el = document.getElementById('traces'); el.innerHTML = '';
  const p = data.policies.find((x) => x.policy === policyName) || data.policies[0];
  chart(el, {
    title: 'Arrival rate and bandwidth (' + p.policy + ': red dashed = detected changepoints, grey = re-plans)',
    scales: { x: { time: false } },
    axes: [{ label: 'time (s)' }, { label: 'requests/s', scale: 'y' }, { side: 1, label: 'Mbit/s', scale: 'mbps', grid: { show: false } }],
    series: [{ label: 's' }, { label: 'arrivals/s', stroke: COLORS[0], scale: 'y' }, { label: 'serverless link Mbit/s', stroke: COLORS[3], scale: 'mbps' }, { label: 'edge link Mbit/s', stroke: COLORS[2], scale: 'mbps', show: false }],
    plugins: [markers(p.replansS, 'rgba(0,0,0,0.25)', []), markers(p.changepointsS, '#d62728', [4, 3])],
  }, [data.seconds, data.arrivals, data.bandwidth.serverless, data.bandwidth.edge]);
  chart(el, {
    title: 'Batch sizes and lane split over time (' + p.policy + ')',
    scales: { x: { time: false }, frac: { range: [0, 1] } },
    axes: [{ label: 'time (s)' }, { label: 'batch size', scale: 'y' }, { side: 1, label: 'edge fraction', scale: 'frac', grid: { show: false } }],
    series: [{ label: 's' },
      { label: 'plan edge batch', stroke: COLORS[2], scale: 'y' }, { label: 'plan serverless batch', stroke: COLORS[3], scale: 'y' },
      { label: 'mean edge batch sent', stroke: 'rgba(44,160,44,0.4)', scale: 'y', show: false }, { label: 'mean serverless batch sent', stroke: 'rgba(255,127,14,0.4)', scale: 'y', show: false },
      { label: 'edge fraction of requests', stroke: COLORS[4], scale: 'frac', spanGaps: false }],
    plugins: [markers(p.replansS, 'rgba(0,0,0,0.15)', [])],
  }, [data.seconds, p.planBatch.edge, p.planBatch.serverless, p.meanBatch.edge, p.meanBatch.serverless, p.edgeFraction]);
}

function drawCdf() {
  const el = document.getElementById('cdf');
  const names = Object.keys(data.cdf.y);
  chart(el, {
    title: 'Latency CDF per policy (fraction of all requests answered within x; SLO ' + data.sloMs + ' ms dashed)',
    scales: { x: { time: false, distr: 3 }, y: { range: [0, 1] } },
    axes: [{ label: 'latency (ms, log)' }, { label: 'fraction' }],
    series: [{ label: 'ms' }, ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length] }))],
    plugins: [markers([data.sloMs], '#000', [6, 4])],
  }, [data.cdf.x, ...names.map((n) => data.cdf.y[n])]);
}

function drawScatter() {
  const el = document.getElementById('scatter');
  const rows = data.results.filter((r) => Number.isFinite(r.costPerMillionUsd));
  const W = width(), H = 320, L = 70, B = 40, T = 20, R = 20;
  const xs = rows.map((r) => r.sloAttainment * 100), ys = rows.map((r) => r.costPerMillionUsd);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 0.01), y0 = 0, y1 = Math.max(...ys, 1e-9) * 1.1;
  const px = (x) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R), py = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - B - T);
  let svg = '<svg width="' + W + '" height="' + H + '" font-family="sans-serif" font-size="12">';
  svg += '<line x1="' + L + '" y1="' + (H - B) + '" x2="' + (W - R) + '" y2="' + (H - B) + '" stroke="#444"/><line x1="' + L + '" y1="' + T + '" x2="' + L + '" y2="' + (H - B) + '" stroke="#444"/>';
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + (i / 4) * (x1 - x0), yv = y0 + (i / 4) * (y1 - y0);
    svg += '<text x="' + px(xv) + '" y="' + (H - B + 16) + '" text-anchor="middle">' + xv.toFixed(2) + '%</text>';
    svg += '<text x="' + (L - 6) + '" y="' + (py(yv) + 4) + '" text-anchor="end">' + yv.toFixed(2) + '</text>';
  }
  svg += '<text x="' + (W / 2) + '" y="' + (H - 4) + '" text-anchor="middle">SLO attainment</text>';
  svg += '<text transform="translate(14,' + (H / 2) + ') rotate(-90)" text-anchor="middle">USD per million requests</text>';
  rows.forEach((r, i) => {
    svg += '<circle cx="' + px(xs[i]) + '" cy="' + py(ys[i]) + '" r="5" fill="' + COLORS[i % COLORS.length] + '"/>';
    svg += '<text x="' + (px(xs[i]) + 7) + '" y="' + (py(ys[i]) - 6) + '">' + r.policy + '</text>';
  });
  el.innerHTML = svg + '</svg>';
}

const select = document.getElementById('policy');
for (const p of data.policies) { const o = document.createElement('option'); o.value = p.policy; o.textContent = p.policy; select.appendChild(o); }
select.addEventListener('change', () => drawTraces(select.value));
drawTraces(data.policies[0] && data.policies[0].policy);
drawCdf();
drawScatter();
`;
