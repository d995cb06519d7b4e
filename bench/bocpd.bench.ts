/**
 * BOCPD bench: speed (observations per second, both models, series of 1e3, 1e5 and 1e6, default settings),
 * numerical stability on 10 million observations, detection quality on seeded synthetic series, and what it
 * finds on real traces (plotted to bench/results/bocpd-traces.html).
 *
 * Reproduce: npm run bench -- bocpd
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createChangepointRule, createGaussianDetector, createPoissonDetector, detectChangepoints, type Detector } from '../shared/core/bocpd/index.js';
import { combineScores, piecewiseGaussian, piecewisePoisson, scoreDetections, type DetectionScore } from '../shared/core/bocpd/evaluation.js';
import { createRandom } from '../shared/core/random.js';
import { markdownTable, writeBenchResult } from './report.js';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data');
const COMMAND = 'npm run bench -- bocpd';

// ---------------------------------------------------------------- speed

/** Piecewise series like the engine's inputs: arrival counts around 50/s, log-bandwidth around ln 5. */
function speedSeries(model: 'poisson' | 'gaussian', n: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const values = new Float64Array(n);
  let level = 0;
  for (let i = 0; i < n; i += 1) {
    if (i % 500 === 0) level = random.next();
    values[i] = model === 'poisson' ? random.poisson(20 + 60 * level) : random.normal(1 + level, 0.3);
  }
  return values;
}

function timeRun(make: () => Detector, values: Float64Array): { wallMs: number; cpuMs: number } {
  const detector = make();
  const rule = createChangepointRule();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < values.length; i += 1) rule.observe(detector.update(values[i]!));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

interface SpeedRow {
  model: string;
  length: number;
  maxRunLengths: number;
  obsPerSecWall: number;
  obsPerSecCpu: number;
}

function speed(): SpeedRow[] {
  const rows: SpeedRow[] = [];
  const settings: Array<{ model: 'poisson' | 'gaussian'; cap?: number }> = [{ model: 'poisson' }, { model: 'gaussian' }, { model: 'poisson', cap: 16 }, { model: 'poisson', cap: 48 }];
  for (const { model, cap } of settings) {
    const make = () => (model === 'poisson' ? createPoissonDetector(cap ? { maxRunLengths: cap } : {}) : createGaussianDetector());
    for (const length of cap ? [1e5] : [1e3, 1e5, 1e6]) {
      const values = speedSeries(model, length, length);
      timeRun(make, speedSeries(model, 20_000, 1)); // warm the JIT
      // Short series are repeated so that each measurement covers at least 5e5 observations.
      const repeats = Math.max(1, Math.round(5e5 / length));
      let wallMs = 0;
      let cpuMs = 0;
      for (let r = 0; r < repeats; r += 1) {
        const t = timeRun(make, values);
        wallMs += t.wallMs;
        cpuMs += t.cpuMs;
      }
      const total = length * repeats;
      rows.push({ model, length, maxRunLengths: cap ?? 24, obsPerSecWall: (total / wallMs) * 1000, obsPerSecCpu: (total / cpuMs) * 1000 });
      console.log(`speed ${model} cap ${cap ?? 24} n=${length}: ${Math.round((total / wallMs) * 1000)} obs/s`);
    }
  }
  return rows;
}

// ---------------------------------------------------------------- stability

function stability(): Record<string, number | boolean> {
  const n = 10_000_000;
  const random = createRandom(2024);
  const detector = createPoissonDetector();
  const rule = createChangepointRule();
  let finite = true;
  let maxHypotheses = 0;
  let lateDetection = -1;
  let falseAlarms = 0;
  const t0 = performance.now();
  for (let t = 0; t < n; t += 1) {
    // 10,000 counts per bin (the top of the supported range) so alpha reaches 1e11; +50 % for the last 200
    const out = detector.update(random.poisson(t < n - 200 ? 10_000 : 15_000));
    if (!Number.isFinite(out.logPredictive) || !Number.isFinite(out.changeProbability) || !Number.isFinite(out.predictiveMean)) finite = false;
    if (detector.hypotheses > maxHypotheses) maxHypotheses = detector.hypotheses;
    const change = rule.observe(out);
    if (change && change.index >= n - 200 && lateDetection < 0) lateDetection = change.detectedAt - (n - 200);
    else if (change) falseAlarms += 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  const record = detector.toRecord();
  const recordFinite = [...record.logProbabilities, ...record.stats].every(Number.isFinite);
  const final = detector.runLengthPosterior();
  return {
    observations: n,
    seconds,
    allOutputsFinite: finite,
    recordFinite,
    maxHypotheses,
    finalMapRunLength: final.runLengths[final.probabilities.indexOf(Math.max(...final.probabilities))]!,
    lateChangeDetectionDelay: lateDetection,
    falseAlarms,
    recordBytes: JSON.stringify(record).length,
  };
}

// ---------------------------------------------------------------- quality

const SEEDS = [1, 2, 3, 4];
const LAYOUT = { segments: 40, segmentLength: 300 };
const MAX_DELAY = 100;

interface QualityRow {
  scenario: string;
  score: DetectionScore;
}

function quality(): QualityRow[] {
  const rows: QualityRow[] = [];
  const run = (scenario: string, model: 'poisson' | 'gaussian', make: (seed: number) => ReturnType<typeof piecewisePoisson>) => {
    const score = combineScores(
      SEEDS.map((seed) => {
        const series = make(seed);
        const { detections } = detectChangepoints(series.values, { model });
        return scoreDetections(detections, series.changes, series.values.length, MAX_DELAY);
      }),
    );
    rows.push({ scenario, score });
  };
  for (const baseRate of [5, 20, 200]) {
    for (const factor of [1, 1.25, 1.5, 2, 4]) {
      run(`Poisson, rate ${baseRate}/bin ${factor === 1 ? 'stationary' : `x${factor}`}`, 'poisson', (seed) =>
        piecewisePoisson(createRandom(seed * 1000 + baseRate * 10 + factor), { ...LAYOUT, baseRate, factor }),
      );
    }
  }
  const gaussian = (meanShift: number, sdFactor: number) => (seed: number) =>
    piecewiseGaussian(createRandom(seed * 1000 + meanShift * 100 + sdFactor), { ...LAYOUT, mean: 1.6, sd: 0.3, meanShift, sdFactor });
  run('Gaussian stationary', 'gaussian', gaussian(0, 1));
  for (const shift of [0.5, 1, 2, 4]) run(`Gaussian mean +${shift} sd`, 'gaussian', gaussian(shift, 1));
  for (const factor of [1.5, 2, 4]) run(`Gaussian sd x${factor}`, 'gaussian', gaussian(0, factor));
  return rows;
}

// ---------------------------------------------------------------- real traces

interface TraceResult {
  name: string;
  model: 'poisson' | 'gaussian';
  unit: string;
  values: number[];
  plotted: number[];
  changepoints: number[];
  levels: number[];
}

function twitter(): TraceResult {
  const text = readFileSync(join(DATA, 'traces/arrivals/twitter-may25/per-second-23h.csv'), 'utf8');
  const values = text.trim().split('\n').map((line) => Number(line.split(',')[3]));
  const result = detectChangepoints(values, { model: 'poisson', keepOutputs: true });
  return {
    name: 'Twitter, May 25: requests per second (23 h)',
    model: 'poisson',
    unit: 'requests/s',
    values,
    plotted: values,
    changepoints: result.changepoints,
    levels: result.outputs!.map((o) => o.predictiveMean),
  };
}

/** Mahimahi: one line per 1500-byte delivery opportunity (ms); Mbit/s per second = opportunities * 0.012. */
function mahimahi(file: string): TraceResult {
  const times = readFileSync(join(DATA, 'traces/bandwidth/mahimahi', file), 'utf8').trim().split('\n').map(Number);
  // whole seconds only: the trace's last second is cut short and would read as a collapse
  const seconds = Math.floor(times[times.length - 1]! / 1000);
  const mbps = new Array<number>(seconds).fill(0);
  for (const ms of times) if (ms < seconds * 1000) mbps[Math.floor(ms / 1000)]! += 0.012;
  // ln of Mbit/s, with seconds of outage floored at one packet per second so the log stays finite
  const logs = mbps.map((value) => Math.log(Math.max(value, 0.012)));
  const result = detectChangepoints(logs, { model: 'gaussian', keepOutputs: true });
  return {
    name: `Mahimahi ${file}: uplink Mbit/s per second`,
    model: 'gaussian',
    unit: 'Mbit/s',
    values: mbps,
    plotted: mbps,
    changepoints: result.changepoints,
    levels: result.outputs!.map((o) => Math.exp(o.predictiveMean)),
  };
}

/** Pensieve: "time_s Mbit/s" per line. */
function pensieve(file: string): TraceResult {
  const rows = readFileSync(join(DATA, 'traces/bandwidth/pensieve/train', file), 'utf8').trim().split('\n');
  const mbps = rows.map((line) => Number(line.trim().split(/\s+/)[1]));
  const logs = mbps.map((value) => Math.log(Math.max(value, 0.012)));
  const result = detectChangepoints(logs, { model: 'gaussian', keepOutputs: true });
  return {
    name: `Pensieve ${file}: Mbit/s per sample`,
    model: 'gaussian',
    unit: 'Mbit/s',
    values: mbps,
    plotted: mbps,
    changepoints: result.changepoints,
    levels: result.outputs!.map((o) => Math.exp(o.predictiveMean)),
  };
}

function tracesHtml(traces: TraceResult[]): string {
  const uplotDir = join(import.meta.dirname, '..', 'node_modules', 'uplot', 'dist');
  const js = readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8');
  const data = traces.map((t) => ({ name: t.name, unit: t.unit, values: t.plotted.map((v) => Math.round(v * 1000) / 1000), levels: t.levels.map((v) => Math.round(v * 1000) / 1000), changepoints: t.changepoints }));
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>BOCPD on real traces</title>
<style>${css}
body { font-family: system-ui, sans-serif; margin: 1.5rem; } h2 { font-size: 1.05rem; margin-top: 2rem; }
</style></head><body>
<h1>Bayesian online changepoint detection on real traces</h1>
<p>Grey: the series; blue: the detector's posterior mean of the current segment (per step); red lines: detected
changepoints (default settings: hazard 1/250, threshold 0.5, min spacing 10). Drag to zoom, double-click to reset.
Produced by <code>${COMMAND}</code>.</p>
<div id="plots"></div>
<script>${js}</script>
<script>
const traces = ${JSON.stringify(data)};
for (const trace of traces) {
  const title = document.createElement('h2');
  title.textContent = trace.name + ' - ' + trace.changepoints.length + ' changepoints';
  const holder = document.createElement('div');
  document.getElementById('plots').append(title, holder);
  const xs = trace.values.map((_, i) => i);
  const changes = trace.changepoints;
  const marks = {
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = 'rgba(220, 30, 30, 0.6)';
        ctx.lineWidth = 1;
        for (const c of changes) {
          const x = Math.round(u.valToPos(c, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
  new uPlot({
    width: Math.min(window.innerWidth - 48, 1400), height: 320, plugins: [marks],
    scales: { x: { time: false } },
    axes: [{ label: 'index (0-based)' }, { label: trace.unit }],
    series: [{ label: 'index' }, { label: trace.unit, stroke: '#999', width: 1 }, { label: 'segment mean', stroke: '#1f5fbf', width: 1.5 }],
  }, [xs, trace.values, trace.levels], holder);
}
</script></body></html>
`;
}

// ---------------------------------------------------------------- main

const started = performance.now();
const speedRows = speed();
const stable = stability();
console.log('stability', stable);
const qualityRows = quality();
const traces = [twitter(), mahimahi('ATT-LTE-driving.up'), mahimahi('TMobile-LTE-short.up'), pensieve('bus.ljansbakken-oslo-report.2010-09-28_1407CEST.log')];
const htmlPath = join(import.meta.dirname, 'results', 'bocpd-traces.html');
writeFileSync(htmlPath, tracesHtml(traces));

const fmt = (value: number, digits = 1) => (Number.isNaN(value) ? '-' : value.toFixed(digits));
const traceRows = traces.map((t) => {
  const gaps = t.changepoints.map((c, i) => c - (i === 0 ? 0 : t.changepoints[i - 1]!)).sort((a, b) => a - b);
  return [t.name, t.model, t.values.length, t.changepoints.length, gaps.length ? gaps[gaps.length >> 1]! : '-'];
});
const markdown = `## BOCPD (Bayesian online changepoint detection)

Reproduce: \`${COMMAND}\` (${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, node ${process.version}; took ${fmt((performance.now() - started) / 1000, 0)} s).
Defaults: hazard 1/250, at most 24 run-length hypotheses, prune below 1e-9, change window 50, threshold 0.5, min spacing 10.

### Speed (observations per second, detector + decision rule)

Wall-clock and CPU-time rates; the machine is shared, so CPU time is the steadier figure.

${markdownTable(
  ['model', 'run lengths kept', 'series length', 'obs/s (wall)', 'obs/s (CPU)'],
  speedRows.map((r) => [r.model, r.maxRunLengths, r.length.toExponential(0), Math.round(r.obsPerSecWall).toLocaleString('en-US'), Math.round(r.obsPerSecCpu).toLocaleString('en-US')]),
)}

### Stability: ${Number(stable.observations).toExponential(0)} Poisson observations at 10,000 per bin

${markdownTable(['measure', 'value'], Object.entries(stable).map(([k, v]) => [k, typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : 1) : String(v)]))}

### Detection quality (seeded synthetic series; ${SEEDS.length} seeds x ${LAYOUT.segments} segments of ${LAYOUT.segmentLength} +- 50 % steps; a change counts if reported within ${MAX_DELAY} steps)

Poisson rates alternate between the base rate and base x factor; Gaussian series are N(1.6, 0.3^2) (ln Mbit/s of
about 5 Mbit/s) alternating with a shifted mean or a scaled sd. Delay = observations after the change before it
is reported (0: on its first observation).

${markdownTable(
  ['scenario', 'changes', 'detection rate', 'mean delay', 'median delay', 'mean location error', 'false alarms / 10,000 steps'],
  qualityRows.map(({ scenario, score }) => [scenario, score.changes, fmt(score.detectionRate, 3), fmt(score.meanDelay), fmt(score.medianDelay), fmt(score.meanLocationError), fmt(score.falseAlarmsPer10k, 2)]),
)}

### Real traces (plot: bench/results/bocpd-traces.html)

${markdownTable(['trace', 'model', 'observations', 'changepoints', 'median segment'], traceRows)}
`;
writeBenchResult('bocpd', { speed: speedRows, stability: stable, quality: qualityRows, traces: traces.map((t) => ({ name: t.name, model: t.model, observations: t.values.length, changepoints: t.changepoints })) }, markdown);
console.log(markdown);
console.log(`wrote ${htmlPath}`);
