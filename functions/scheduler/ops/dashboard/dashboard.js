/* global uPlot */
/**
 * The dashboard's browser code: polls GET /v1/state and GET /v1/plan once a second and redraws. Plain
 * script (no build step) so the scheduler can serve it as it is; uPlot (the IIFE build) is loaded before it.
 *
 * For tests and curious operators, `window.edgebatchDashboard` exposes the update count, the last state
 * and the charts; `document.body.dataset.updates` counts successful polls.
 */
(function () {
  'use strict';

  const POLL_MS = 1000;
  // Relative to the page, so a mounted prefix is kept: /dashboard -> /v1/state, /p/dashboard -> /p/v1/state.
  const STATE_URL = new URL('v1/state', document.baseURI);
  const PLAN_URL = new URL('v1/plan', document.baseURI);

  const COLORS = {
    rate: '#2f6fde',
    edge: '#e07b00',
    serverless: '#7a4fd6',
    queue: '#1a7f37',
    rateChange: 'rgba(47, 111, 222, 0.55)',
    bandwidthChange: 'rgba(224, 123, 0, 0.6)',
    replan: 'rgba(102, 112, 133, 0.7)',
    slo: '#c0362c',
  };

  const dashboard = { updates: 0, errors: 0, state: null, plan: null, charts: {} };
  window.edgebatchDashboard = dashboard;

  const $ = (id) => document.getElementById(id);
  const fmt = (value, digits = 1) => (value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
  const pct = (value) => (value === null || value === undefined ? '–' : `${Math.round(value * 100)}%`);
  // Attainment is judged in tenths of a point against targets like 99.9%: two decimals.
  const pct2 = (value) => (value === null || value === undefined || !Number.isFinite(value) ? '–' : `${(value * 100).toFixed(2)}%`);

  /** Vertical markers for changepoints and re-plans, drawn over the plot area. */
  function markersPlugin() {
    return {
      hooks: {
        draw: [
          (u) => {
            const state = dashboard.state;
            if (!state) return;
            const { ctx } = u;
            const { top, height } = u.bbox;
            const [xMin, xMax] = [u.scales.x.min, u.scales.x.max];
            const line = (atMs, color, dashed) => {
              const t = atMs / 1000;
              if (xMin === undefined || t < xMin || t > xMax) return;
              const x = Math.round(u.valToPos(t, 'x', true));
              ctx.save();
              ctx.strokeStyle = color;
              ctx.lineWidth = 2 * devicePixelRatio;
              if (dashed) ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + height);
              ctx.stroke();
              ctx.restore();
            };
            for (const cp of state.changepoints) line(cp.atMs, cp.kind === 'rate' ? COLORS.rateChange : COLORS.bandwidthChange, false);
            for (const replan of state.replans) line(replan.atMs, COLORS.replan, true);
          },
        ],
      },
    };
  }

  /** A horizontal line at the SLO on the latency chart. */
  function sloPlugin() {
    return {
      hooks: {
        draw: [
          (u) => {
            const slo = dashboard.state?.plan?.sloMs ?? dashboard.plan?.sloMs;
            if (!slo) return;
            const y = Math.round(u.valToPos(slo, 'y', true));
            if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) return;
            u.ctx.save();
            u.ctx.strokeStyle = COLORS.slo;
            u.ctx.lineWidth = devicePixelRatio;
            u.ctx.beginPath();
            u.ctx.moveTo(u.bbox.left, y);
            u.ctx.lineTo(u.bbox.left + u.bbox.width, y);
            u.ctx.stroke();
            u.ctx.restore();
          },
        ],
      },
    };
  }

  function chartWidth(el) {
    return Math.max(300, el.clientWidth || 460);
  }

  function makeChart(el, series, axes, scales, plugins) {
    const opts = {
      width: chartWidth(el),
      height: 240,
      scales: { x: { time: true }, ...scales },
      series: [{}, ...series],
      axes: [{}, ...axes],
      legend: { live: true },
      plugins,
    };
    const empty = [[], ...series.map(() => [])];
    return new uPlot(opts, empty, el);
  }

  function createCharts() {
    const charts = dashboard.charts;
    charts.rate = makeChart(
      $('chart-rate'),
      [
        { label: 'rate (req/s)', stroke: COLORS.rate, width: 2, scale: 'rps', spanGaps: true },
        { label: 'edge Mbit/s', stroke: COLORS.edge, width: 1.5, scale: 'mbps', spanGaps: true },
        { label: 'serverless Mbit/s', stroke: COLORS.serverless, width: 1.5, scale: 'mbps', spanGaps: true },
      ],
      [
        { scale: 'rps', label: 'req/s' },
        { scale: 'mbps', label: 'Mbit/s', side: 1, grid: { show: false } },
      ],
      { rps: { auto: true }, mbps: { auto: true } },
      [markersPlugin()],
    );
    charts.queue = makeChart(
      $('chart-queue'),
      [{ label: 'queue depth', stroke: COLORS.queue, fill: 'rgba(26, 127, 55, 0.1)', width: 2, spanGaps: true }],
      [{ label: 'requests' }],
      {},
      [markersPlugin()],
    );
    charts.latency = makeChart(
      $('chart-latency'),
      [
        { label: 'edge p50', stroke: COLORS.edge, width: 1.5, dash: [4, 3], spanGaps: true },
        { label: 'edge p99', stroke: COLORS.edge, width: 2, spanGaps: true },
        { label: 'serverless p50', stroke: COLORS.serverless, width: 1.5, dash: [4, 3], spanGaps: true },
        { label: 'serverless p99', stroke: COLORS.serverless, width: 2, spanGaps: true },
      ],
      [{ label: 'ms' }],
      {},
      [sloPlugin()],
    );
    charts.split = makeChart(
      $('chart-split'),
      [{ label: 'edge share', stroke: COLORS.edge, fill: 'rgba(224, 123, 0, 0.12)', width: 2, spanGaps: true }],
      [{ label: 'share', values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) }],
      { y: { range: [0, 1] } },
      [markersPlugin()],
    );
    window.addEventListener('resize', () => {
      for (const [key, chart] of Object.entries(charts)) chart.setSize({ width: chartWidth($(`chart-${key}`)), height: 240 });
    });
  }

  function drawCharts(state) {
    const h = state.history;
    const t = h.tMs.map((ms) => ms / 1000);
    const { charts } = dashboard;
    charts.rate.setData([t, h.rateRps, h.bandwidthMbps.edge, h.bandwidthMbps.serverless]);
    charts.queue.setData([t, h.queueDepth]);
    charts.latency.setData([t, h.latencyMs.edge.p50, h.latencyMs.edge.p99, h.latencyMs.serverless.p50, h.latencyMs.serverless.p99]);
    charts.split.setData([t, h.edgeShare]);
  }

  function drawCards(state) {
    const e = state.estimates;
    $('rate').textContent = `${fmt(e.rateRps)} req/s`;
    $('rate-p').textContent = `change probability ${fmt(e.rateChangeProbability, 3)}`;
    $('bandwidth').textContent = `${fmt(e.bandwidthMbps.edge)} / ${fmt(e.bandwidthMbps.serverless)} Mbit/s`;
    $('bandwidth-p').textContent = `change probability ${fmt(e.bandwidthChangeProbability, 3)}`;
    const q = state.queue;
    $('queue').textContent = String(q.depth);
    $('queue-sub').textContent = `edge ${q.byLane.edge} · serverless ${q.byLane.serverless} · high ${q.byPriority.high} · low ${q.byPriority.low} · oldest ${fmt(q.oldestWaitMs, 0)} ms`;
    const lanes = state.lanes;
    const health = (ok) => (ok ? 'up' : 'down');
    $('lanes').innerHTML = '';
    for (const [name, lane] of [['edge', lanes.edge], ['serverless', lanes.serverless]]) {
      const span = document.createElement('span');
      span.className = health(lane.healthy);
      span.textContent = `${name} ${health(lane.healthy)} `;
      $('lanes').appendChild(span);
    }
    const agents = lanes.edge.agents.map((a) => `${a.id}${a.healthy ? '' : ' (down)'}`).join(', ');
    $('lanes-sub').textContent = `agents: ${agents || 'none'}${lanes.serverless.target ? ` · serverless: ${lanes.serverless.target}` : ''}`;
  }

  /** The SLO target beside the measured and the predicted attainment; the measured figure is red below target. */
  function drawSlo(state) {
    const slo = state.slo;
    const recent = slo.measured.recent;
    $('slo-window').textContent = `last ${fmt(recent.windowMs / 1000, 0)} s`;
    $('slo-target').textContent = `${pct2(slo.target)} within ${fmt(slo.latencyMs, 0)} ms`;
    $('slo-measured').textContent = pct2(recent.attainment);
    $('slo-measured').className = recent.attainment === null ? 'value' : `value ${recent.attainment >= slo.target ? 'up' : 'down'}`;
    const planTarget = slo.planTarget !== null && slo.planTarget !== slo.target ? ` (plan made for ${pct2(slo.planTarget)})` : '';
    $('slo-sub').textContent =
      `predicted ${pct2(slo.predictedAttainment)}${planTarget} · since start ${pct2(slo.measured.sinceStart.attainment)} of ${slo.measured.sinceStart.requests}`;
    const h = state.hedges;
    $('hedges').textContent = `${h.sent.edge + h.sent.serverless} / ${h.won.edge + h.won.serverless}`;
    $('hedges-sub').textContent = `to edge ${h.sent.edge} (won ${h.won.edge}) · to serverless ${h.sent.serverless} (won ${h.won.serverless}) · extra $${fmt(h.costUsd, 6)}`;
  }

  function drawPlan(plan, state) {
    if (!plan) {
      $('plan-reason').textContent = '–';
      $('plan-why').textContent = 'No plan yet.';
      $('plan-target').textContent = '–';
      return;
    }
    $('plan-reason').textContent = plan.reason;
    const created = new Date(plan.createdAtMs).toLocaleTimeString();
    $('plan-why').textContent =
      `Policy "${plan.policy}" planned at ${created} (${plan.reason}) for ${fmt(plan.rateRps)} req/s, ` +
      `bandwidth edge ${fmt(plan.bandwidthMbps.edge)} / serverless ${fmt(plan.bandwidthMbps.serverless)} Mbit/s, SLO ${fmt(plan.sloMs, 0)} ms.`;
    const reaches = plan.predicted.attainment >= plan.sloTarget;
    $('plan-target').textContent =
      `Target ${pct2(plan.sloTarget)} within ${fmt(plan.sloMs, 0)} ms; predicted ${pct2(plan.predicted.attainment)}` +
      (reaches ? '.' : ': best effort (no plan reaches the target).');
    for (const lane of ['edge', 'serverless']) {
      const cells = document.querySelectorAll(`#plan-table tr[data-lane="${lane}"] td`);
      const lp = plan.lanes[lane];
      cells[1].textContent = String(lp.batchSize);
      cells[2].textContent = `${fmt(lp.timeoutMs, 0)} ms`;
      cells[3].textContent = pct(lp.share);
      cells[4].textContent = `${fmt(plan.predicted.p99LatencyMs[lane], 0)} ms`;
    }
    $('plan-extra').textContent =
      `serverless ${plan.serverless.memoryMb} MB / ${plan.serverless.cpu} vCPU, ${plan.warmInstances} warm · predicted cost ` +
      `$${fmt(plan.predicted.costPerMillionUsd, 2)} per million requests · edge utilisation ${pct(plan.predicted.edgeUtilisation)}`;
    const list = $('replans');
    list.innerHTML = '';
    for (const replan of state.replans.slice(-8).reverse()) {
      const item = document.createElement('li');
      item.textContent = `${new Date(replan.atMs).toLocaleTimeString()} ${replan.reason}`;
      list.appendChild(item);
    }
  }

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
    return response.json();
  }

  async function poll() {
    try {
      const [state, planView] = await Promise.all([fetchJson(STATE_URL), fetchJson(PLAN_URL)]);
      if (!state) throw new Error('no state');
      dashboard.state = state;
      // GET /v1/plan answers { plan, version }; the state carries the plan too.
      dashboard.plan = planView?.plan ?? state.plan;
      drawCards(state);
      drawSlo(state);
      drawPlan(dashboard.plan, state);
      drawCharts(state);
      dashboard.updates += 1;
      document.body.dataset.updates = String(dashboard.updates);
      $('status').textContent = `live · updated ${new Date().toLocaleTimeString()}`;
      $('status').className = 'status';
    } catch (error) {
      dashboard.errors += 1;
      $('status').textContent = `cannot reach the scheduler (${error.message}); retrying`;
      $('status').className = 'status error';
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  createCharts();
  poll();
})();
