/**
 * BOCPD bench: speed (CPU time, both models, series of 1e3 to 1e6), the pruning's error against the exact
 * recursion, stability over 1e7 observations, detection quality on seeded piecewise series, F1 and cover on
 * annotated real series (data/changepoints) and seeded shaped ones, the CLI end to end on 1e6 counts, and
 * what it finds on real traces (plotted to bench/results/bocpd-traces.html).
 *
 * Reproduce: npm run bench -- bocpd
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTextFile } from '../cli/text-file.js';
import { annotationsFor, createChangepointRule, createGaussianDetector, createPoissonDetector, detectChangepoints, parseSeriesText, type Detector } from '../shared/core/bocpd/index.js';
import { combineScores, detectionF1, levelSeries, qualityScenarios, scoreDetections } from '../shared/core/bocpd/evaluation.js';
import { meanScore, scoreSeries, type AnnotatedSeries, type SeriesScore } from '../shared/core/bocpd/scoring.js';
import { shapedSet } from '../shared/core/bocpd/shaped-series.js';
import { worstDifference } from '../shared/core/bocpd/compare-detectors.js';
import { createRandom } from '../shared/core/random.js';
import { markdownTable, writeBenchResult } from './report.js';

const ROOT = join(import.meta.dirname, '..');
const DATA = join(ROOT, 'data');
const COMMAND = 'npm run bench -- bocpd';
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

const speedSeries = (model: 'poisson' | 'gaussian', n: number, seed: number) => levelSeries(createRandom(seed), model, n);
const make = (model: 'poisson' | 'gaussian', options: object = {}): Detector => (model === 'poisson' ? createPoissonDetector(options) : createGaussianDetector(options));

// ---------------------------------------------------------------- speed: detector + online rule, no allocation per step

function timeRun(detector: Detector, values: Float64Array): { wallMs: number; cpuMs: number } {
  const rule = createChangepointRule();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < values.length; i += 1) {
    detector.step(values[i]!);
    rule.observe(detector);
  }
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function speed() {
  const rows: { model: string; maxRunLengths: number; length: number; obsPerSecCpu: number; obsPerSecWall: number }[] = [];
  for (const [model, cap, lengths] of [['poisson', 24, [1e3, 1e5, 1e6]], ['gaussian', 24, [1e3, 1e5, 1e6]], ['poisson', 16, [1e5]], ['poisson', 48, [1e5]]] as const) {
    for (const length of lengths) {
      const values = speedSeries(model, length, length);
      timeRun(make(model, { maxRunLengths: cap }), speedSeries(model, 50_000, 1)); // warm the JIT
      const repeats = Math.max(1, Math.round(1e6 / length)); // each figure covers at least 1e6 observations
      let wallMs = 0;
      let cpuMs = 0;
      for (let r = 0; r < repeats; r += 1) {
        const t = timeRun(make(model, { maxRunLengths: cap }), values);
        wallMs += t.wallMs;
        cpuMs += t.cpuMs;
      }
      const total = length * repeats;
      rows.push({ model, maxRunLengths: cap, length, obsPerSecCpu: (total / cpuMs) * 1000, obsPerSecWall: (total / wallMs) * 1000 });
      console.log(`speed ${model} cap ${cap} n=${length}: ${int((total / cpuMs) * 1000)} obs per CPU second`);
    }
  }
  return rows;
}

// ---------------------------------------------------------------- pruning error against the exact recursion

const EXACT = { maxRunLengths: Infinity, pruneThreshold: 0 };
// The full recursion costs O(n^2): on 1e5 observations the reference keeps every run length except those
// whose posterior falls below 1e-20 (merged into a neighbour; a change probability moves by at most that).
const REFERENCE = { maxRunLengths: Infinity, pruneThreshold: 1e-20 };

function pruningError() {
  return (['poisson', 'gaussian'] as const).map((model) => {
    const long = speedSeries(model, 100_000, 7);
    const short = long.subarray(0, 20_000);
    const result = {
      model,
      vsReference1e5: worstDifference(make(model), make(model, REFERENCE), long),
      vsExact2e4: worstDifference(make(model), make(model, EXACT), short),
      referenceVsExact2e4: worstDifference(make(model, REFERENCE), make(model, EXACT), short),
    };
    console.log('pruning error', model, result.vsReference1e5.changeProbability, result.vsExact2e4.changeProbability, result.referenceVsExact2e4.changeProbability);
    return result;
  });
}

// ---------------------------------------------------------------- stability over 1e7 observations

function stability(): Record<string, number | boolean> {
  const n = 10_000_000;
  const random = createRandom(2024);
  const detector = createPoissonDetector();
  const rule = createChangepointRule();
  let finite = true;
  let lateDetection = -1;
  let falseAlarms = 0;
  const t0 = performance.now();
  for (let t = 0; t < n; t += 1) {
    // 10,000 counts per bin (the top of the supported range) so alpha reaches 1e11; +50 % for the last 200
    detector.step(random.poisson(t < n - 200 ? 10_000 : 15_000));
    if (!Number.isFinite(detector.logPredictive) || !Number.isFinite(detector.changeProbability) || !Number.isFinite(detector.predictiveMean)) finite = false;
    const change = rule.observe(detector);
    if (change && change.index >= n - 200 && lateDetection < 0) lateDetection = change.detectedAt - (n - 200);
    else if (change) falseAlarms += 1;
  }
  const record = detector.toRecord();
  return {
    observations: n,
    seconds: (performance.now() - t0) / 1000,
    allOutputsFinite: finite,
    recordFinite: [...record.logProbabilities, ...record.stats].every(Number.isFinite),
    hypotheses: detector.hypotheses,
    lateChangeDetectionDelay: lateDetection,
    falseAlarms,
    recordBytes: JSON.stringify(record).length,
  };
}

// ---------------------------------------------------------------- quality on seeded piecewise series (online rule)

function quality() {
  const scores = qualityScenarios(createRandom).map(({ scenario, model, build }) => {
    const runs = [1, 2, 3, 4].map((seed) => {
      const series = build(seed);
      return scoreDetections(detectChangepoints(series.values, { model }).detections, series.changes, series.values.length, 100);
    });
    return { scenario, model, score: combineScores(runs) };
  });
  const rows = scores.map(({ scenario, model, score }) => ({ scenario, model, ...score, f1: detectionF1(score) }));
  return { rows, poissonF1: detectionF1(combineScores(scores.filter((s) => s.model === 'poisson').map((s) => s.score))) };
}

// ---------------------------------------------------------------- annotated series: F1 (margin 5) and cover

/**
 * Real annotated series are not in the repository (this workplace may not commit the copies it fetched): set
 * CHANGEPOINT_SETS to a folder holding `tcpd/` and, optionally, `literature/`, each with TCPD-format series files
 * and an `annotations.json` (a checkout of the Turing Change Point Dataset's univariate series gives `tcpd/`).
 */
const SETS_DIR = process.env.CHANGEPOINT_SETS;

function annotatedSet(folder: string, counts: readonly string[] = []): AnnotatedSeries[] {
  if (SETS_DIR === undefined || !existsSync(join(SETS_DIR, folder, 'annotations.json'))) return [];
  const dir = join(SETS_DIR, folder);
  const annotations = JSON.parse(readFileSync(join(dir, 'annotations.json'), 'utf8')) as unknown;
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json') && file !== 'annotations.json')
    .sort()
    .map((file) => {
      const series = parseSeriesText(readFileSync(join(dir, file), 'utf8'), { source: file });
      const name = series.name ?? file.replace(/\.json$/, '');
      return { name, values: series.values, annotations: annotationsFor(annotations, name).changepoints, model: counts.includes(name) ? 'poisson' : 'gaussian' };
    });
}

function accuracy() {
  const sets = { tcpd: annotatedSet('tcpd'), literature: annotatedSet('literature', ['coal_mining_disasters']), shaped: shapedSet(createRandom) };
  // The CLI's defaults: smoothed rule (threshold 2/3), hazard 1/250, the exact recursion on series this short.
  const settings = { default: { rule: 'smoothed', maxRunLengths: Infinity }, 'hazard 100': { rule: 'smoothed', maxRunLengths: Infinity, expectedSegmentLength: 100 }, 'online rule': { rule: 'online' } } as const;
  const results: Record<string, Record<string, { mean: ReturnType<typeof meanScore>; series: SeriesScore[] }>> = {};
  for (const [label, options] of Object.entries(settings)) {
    results[label] = {};
    for (const [setName, set] of Object.entries(sets)) {
      const series = set.map((s) => scoreSeries(s, options));
      results[label]![setName] = { mean: meanScore(series), series };
    }
    const tcpd = results[label]!.tcpd!.series;
    results[label]!['tcpd without uk_coal_employ'] = { mean: meanScore(tcpd.filter((s) => s.name !== 'uk_coal_employ')), series: [] };
  }
  return results;
}

// ---------------------------------------------------------------- the CLI end to end on 1e6 counts

function cliEndToEnd() {
  const dir = mkdtempSync(join(tmpdir(), 'bocpd-bench-'));
  const file = join(dir, 'counts.txt');
  writeFileSync(file, Array.from(speedSeries('poisson', 1_000_000, 11)).join('\n') + '\n');
  return ([[], ['--rule', 'smoothed']] as const).map((extra) => {
    const rule = extra.length === 0 ? 'default (online at this length)' : 'smoothed';
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgebatch.js'), 'changepoints', '--model', 'poisson', ...extra, '--input', file], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (run.status !== 0) throw new Error(`edgebatch changepoints failed: ${run.stderr}`);
    console.log(`CLI ${rule}: ${seconds.toFixed(2)} s`);
    return { rule, observations: 1_000_000, seconds, obsPerSec: 1_000_000 / seconds, changepoints: run.stdout.trim().split('\n').length };
  });
}

// ---------------------------------------------------------------- real traces (plotted)

function traces() {
  const twitter = readTextFile(join(DATA, 'traces/arrivals/twitter-may25/per-second-23h.csv.gz'));
  const counts = twitter.trim().split('\n').map((line) => Number(line.split(',')[3]));
  const pensieve = (file: string) => readTextFile(join(DATA, 'traces/bandwidth/pensieve/train', file)).trim().split('\n').map((line) => Number(line.trim().split(/\s+/)[1]));
  const mahimahi = (file: string) => {
    const times = readTextFile(join(DATA, 'traces/bandwidth/mahimahi', file)).trim().split('\n').map(Number);
    const seconds = Math.floor(times[times.length - 1]! / 1000); // whole seconds: the last one is cut short
    const mbps = new Array<number>(seconds).fill(0);
    for (const ms of times) if (ms < seconds * 1000) mbps[Math.floor(ms / 1000)]! += 0.012; // 1500-byte opportunities
    return mbps;
  };
  const run = (name: string, model: 'poisson' | 'gaussian', values: number[]) => {
    const input = model === 'poisson' ? values : values.map((v) => Math.log(Math.max(v, 0.012)));
    const { changepoints } = detectChangepoints(input, { model, standardize: model === 'gaussian', rule: 'smoothed', maxRunLengths: values.length <= 2000 ? Infinity : 24 });
    return { name, model, values, changepoints };
  };
  return [
    run('Twitter, May 25: requests per second (23 h)', 'poisson', counts),
    run('Mahimahi ATT-LTE-driving.up: uplink Mbit/s per second', 'gaussian', mahimahi('ATT-LTE-driving.up.gz')),
    run('Mahimahi TMobile-LTE-short.up: uplink Mbit/s per second', 'gaussian', mahimahi('TMobile-LTE-short.up.gz')),
    run('Pensieve bus.ljansbakken-oslo 2010-09-28: Mbit/s per sample', 'gaussian', pensieve('bus.ljansbakken-oslo-report.2010-09-28_1407CEST.log')),
  ];
}

function tracesHtml(series: ReturnType<typeof traces>): string {
  const uplot = join(ROOT, 'node_modules', 'uplot', 'dist');
  const data = series.map((t) => ({ name: t.name, values: t.values.map((v) => Math.round(v * 1000) / 1000), changepoints: t.changepoints }));
  return `<!doctype html><html><head><meta charset="utf-8"><title>BOCPD on real traces</title>
<style>${readFileSync(join(uplot, 'uPlot.min.css'), 'utf8')} body { font-family: system-ui, sans-serif; margin: 1.5rem; }</style></head><body>
<h1>Changepoints on real traces</h1><p>Red lines: changes the CLI defaults report (standardised Gaussian on ln Mbit/s, or Poisson
counts; smoothed rule). Produced by <code>${COMMAND}</code>. Drag to zoom, double-click to reset.</p><div id="plots"></div>
<script>${readFileSync(join(uplot, 'uPlot.iife.min.js'), 'utf8')}</script><script>
for (const t of ${JSON.stringify(data)}) {
  const h = document.createElement('h2'); h.textContent = t.name + ' - ' + t.changepoints.length + ' changepoints';
  const div = document.createElement('div'); document.getElementById('plots').append(h, div);
  const draw = (u) => { u.ctx.save(); u.ctx.strokeStyle = 'rgba(220,30,30,0.6)';
    for (const c of t.changepoints) { const x = Math.round(u.valToPos(c, 'x', true)); u.ctx.beginPath(); u.ctx.moveTo(x, u.bbox.top); u.ctx.lineTo(x, u.bbox.top + u.bbox.height); u.ctx.stroke(); }
    u.ctx.restore(); };
  new uPlot({ width: Math.min(innerWidth - 48, 1400), height: 300, scales: { x: { time: false } }, plugins: [{ hooks: { draw: [draw] } }],
    series: [{}, { stroke: '#777', width: 1 }] }, [t.values.map((_, i) => i), t.values], div);
}</script></body></html>\n`;
}

// ---------------------------------------------------------------- main

const started = performance.now();
const startLoad = loadavg()[0]!;
const speedRows = speed();
const pruning = pruningError();
const stable = stability();
console.log('stability', stable);
const { rows: qualityRows, poissonF1 } = quality();
const scores = accuracy();
const cli = cliEndToEnd();
const traceRuns = traces();
writeFileSync(join(import.meta.dirname, 'results', 'bocpd-traces.html'), tracesHtml(traceRuns));

const defaults = scores.default!;
const markdown = `## BOCPD (Bayesian changepoint detection)

Reproduce: \`${COMMAND}\` (${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, node ${process.version}; took ${fmt((performance.now() - started) / 1000, 0)} s; load average ${fmt(startLoad, 1)} at the start, ${fmt(loadavg()[0]!, 1)} at the end: wall-clock figures, the CLI's included, slow down as other work shares the cores, CPU-second figures much less).
Detector defaults: hazard 1/250, at most 24 run-length hypotheses (merge.ts), change window 50, threshold 0.5 (online rule; the smoothed rule's 2/3), min spacing 10.

### Speed (detector + online rule, observations per CPU second)

${markdownTable(['model', 'run lengths kept', 'series length', 'obs / CPU s', 'obs / s (wall)'], speedRows.map((r) => [r.model, r.maxRunLengths, r.length.toExponential(0), int(r.obsPerSecCpu), int(r.obsPerSecWall)]))}

The CLI end to end (\`edgebatch changepoints --model poisson --input FILE\`, 1e6 counts, file parse included):
${cli.map((c) => `${c.rule}: ${fmt(c.seconds, 2)} s, ${int(c.obsPerSec)} obs/s (${c.changepoints} changepoints)`).join('; ')}.

### Pruning error (largest |change probability - reference| at the defaults)

${markdownTable(
  ['model', 'vs full recursion minus < 1e-20 hypotheses, 1e5 obs', 'vs exact recursion, 2e4 obs', 'that reference vs exact, 2e4 obs', 'log evidence, 1e5 obs'],
  pruning.map((p) => [p.model, fmt(p.vsReference1e5.changeProbability, 4), fmt(p.vsExact2e4.changeProbability, 4), p.referenceVsExact2e4.changeProbability.toExponential(1), fmt(p.vsReference1e5.logPredictive, 4)]),
)}

### Stability: ${int(Number(stable.observations))} Poisson observations at 10,000 per bin

${markdownTable(['measure', 'value'], Object.entries(stable).map(([k, v]) => [k, typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : 1) : String(v)]))}

### Seeded piecewise series (online rule; a change counts if reported within 100 steps)

Poisson set F1: ${fmt(poissonF1)}.

${markdownTable(['scenario', 'changes', 'detected', 'false alarms', 'mean delay', 'F1'], qualityRows.map((r) => [r.scenario, r.changes, r.detected, r.falseAlarms, fmt(r.meanDelay, 1), fmt(r.f1)]))}

### Annotated series: F1 (margin 5) and cover (van den Burg and Williams 2020), mean over series

TCPD and literature: real annotated series from \$CHANGEPOINT_SETS (${SETS_DIR === undefined ? 'not set in this run: those columns are empty' : 'for this run, a copy of the Turing Change Point Dataset\'s univariate series in tcpd/; none in literature/'}); shaped:
30 seeded series with trend, seasonality or AR(1) noise, 18 of them with level shifts. Default: the CLI's
(standardised Gaussian, or Poisson for counts; smoothed rule, threshold 2/3; hazard 1/250).

${markdownTable(
  ['settings', ...Object.keys(defaults).map((set) => `${set} F1 / cover`)],
  Object.entries(scores).map(([label, sets]) => [label, ...Object.values(sets).map((s) => `${fmt(s.mean.f1)} / ${fmt(s.mean.cover)}`)]),
)}

Per series at the defaults:

${markdownTable(
  ['set', 'series', 'n', 'changepoints', 'F1', 'cover'],
  ['tcpd', 'literature'].flatMap((set) => defaults[set]!.series.map((s) => [set, s.name, s.observations, s.changepoints.join(' ') || '-', fmt(s.f1), fmt(s.cover)])),
)}

### Real traces (plot: bench/results/bocpd-traces.html)

${markdownTable(['trace', 'model', 'observations', 'changepoints'], traceRuns.map((t) => [t.name, t.model, t.values.length, t.changepoints.length]))}
`;
writeBenchResult(
  'bocpd',
  { speed: speedRows, cli, pruning, stability: stable, quality: { poissonF1, rows: qualityRows }, annotated: scores, traces: traceRuns.map((t) => ({ name: t.name, model: t.model, observations: t.values.length, changepoints: t.changepoints })) },
  markdown,
);
console.log(markdown);
