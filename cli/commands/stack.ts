import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PROFILES } from '../../shared/core/profiles/default-profiles.js';
import { serialiseProfiles } from '../../shared/core/profiles/profiles-format.js';
import { bandwidthAt, parseWindow, type TimeWindow } from '../../shared/core/traces/index.js';
import type { LatencyModel, ProfileSet } from '../../shared/core/types.js';
import { DEFAULT_MANIFEST } from '../../shared/model/default-manifest.js';
import { DETECTOR_MANIFEST } from '../../shared/model/detector-manifest.js';
import type { ManifestInput } from '../../shared/model/manifest.js';
import { BUNDLED_EDGE_LINK } from '../bundled-assets.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, InputError, UsageError, type Command } from '../command.js';
import { parsed, readText } from '../input-files.js';
import { formatSummary } from '../loadgen/format.js';
import { loadImages } from '../loadgen/images.js';
import { replay, type ReplayRecord } from '../loadgen/replay.js';
import { readProfiles } from '../profiles-file.js';
import { stackHtmlReport } from '../report/stack-report.js';
import { startLocalStack } from '../stack/local-stack.js';
import { fetchSchedulerRecord, linkSeries, PlanSampler, STACK_RUN_FORMAT, type StackRunRecord } from '../stack/run-recorder.js';
import { analyseRun, analysisRows, BIN_S, replanLines, type RunAnalysis } from '../stack/run-summary.js';
import { RunnableSampler, type RunnableCounts } from '../stack/runnable-sampler.js';
import { liveFigures, simulateStackRun, simulationInput, type FidelityFigures } from '../stack/simulated-run.js';
import { readArrivals, readBandwidth } from '../traces-files.js';
import { command as calibrate } from './calibrate.js';

const DATA = join(import.meta.dirname, '..', '..', 'data');

/*
 * The default run: real parts chosen so that every decision the engine makes shows within 150 s.
 *
 * - Traffic: the Twitter day's per-second counts (data/traces/arrivals/twitter-may25), seconds 59,320 to 59,470:
 *   about 47 req/s for the first 30 s, then a jump to about 75 req/s that holds (the largest lasting step of
 *   the day; its other large moves are bursts that fall back within a minute). Scaled by 0.3 to 14 then 23
 *   req/s: with the text detector on both lanes that keeps the whole stack (two model processes, scheduler,
 *   load generator) under about one of this machine's two cores, so the run measures the engine, not the box.
 * - The edge's link: the Ghent 4G drive (data/seed/bandwidth/report_car_0001.log), seconds 160 to 310: 25 to
 *   55 Mbit/s, then from 35 s in it falls through 10 Mbit/s to 0 to 3 Mbit/s for most of a minute (53 to
 *   92 s), comes part way back, dips to 3 to 5 Mbit/s again, and recovers to 25 to 40 Mbit/s at 120 s. At
 *   23 req/s the 24 KB request images need about 4.5 Mbit/s: the link carries them before and after the dip,
 *   not in it.
 * - The model: PaddleOCR's PP-OCRv4 text detector at 256 x 256 (shared/model/detector-manifest.ts), heavy enough
 *   per image that 23 req/s keeps the edge busy for a good part of each second, and the inference function,
 *   which takes everything in the dip, about as busy (`npm start` calibrates both on the machine it runs on).
 */
const DEFAULT_ARRIVALS = join(DATA, 'traces', 'arrivals', 'twitter-may25', 'per-second-23h.csv.gz');
const DEFAULT_ARRIVALS_WINDOW = '59320:59470';
const DEFAULT_RATE_SCALE = 0.3;
const DEFAULT_LINK = BUNDLED_EDGE_LINK;
const DEFAULT_LINK_WINDOW = '160:310';
const DEFAULT_DURATION_S = 150;
/** onnxruntime threads per model process: each lane one core's worth, as an edge box and a 1-vCPU function. */
const DEFAULT_MODEL_THREADS = 1;

/** Batch sizes calibrated: up to 16, beyond which a CPU batch of the detector only takes longer. */
const CALIBRATION_BATCHES = '1,2,4,8,16';
/** Batches in flight to the local inference function (see the scheduler's environment below). */
const LOCAL_SERVERLESS_CONCURRENCY = 2;

const MODELS: Readonly<Record<string, ManifestInput>> = { det: DETECTOR_MANIFEST, cls: DEFAULT_MANIFEST };

const usage = `Usage: edgebatch stack [options]      (what \`npm start\` runs)

Starts the whole system on loopback, each part its own process: the inference function, an edge agent behind
a link shaped to a real bandwidth trace, and the scheduler. Calibrates both lanes with real images (the
prototype's first step), replays a real arrival trace with real JPEGs against the scheduler, prints the
prototype-style log and the dashboard's address as it goes, and ends with a summary and an HTML report of the
run. Exits when the replay ends.

The default run (about 3 minutes) replays 150 s of the Twitter day where the rate steps up by 60%, against the
Ghent 4G drive where the link drops to a few Mbit/s for a minute and recovers, with the PP-OCRv4 text detector
on both lanes: batches grow, BOCPD sees both changes and the planner re-plans, and traffic moves to the
inference function and back.

Options:
  --model M            the model both lanes serve: det (PP-OCRv4 text detector, 256 x 256; default), cls (the
                       PP-OCR direction classifier, the functions' built-in default) or a manifest file
  --model-threads N    onnxruntime threads per model process (default ${DEFAULT_MODEL_THREADS})
  --arrivals FILE      arrival trace (default: the Twitter day, per second, data/traces/arrivals/twitter-may25)
  --window START:END   part of the arrival trace to use (default ${DEFAULT_ARRIVALS_WINDOW} for the default trace)
  --rate-scale K       multiply the arrival rate by K (default ${DEFAULT_RATE_SCALE}: what a 2-core machine serves with
                       the detector and room to spare; raise it on a bigger machine)
  --bandwidth FILE     the edge link's bandwidth trace (default: a Ghent 4G drive, data/seed/bandwidth)
  --link-window S:E    part of the link trace to use (default ${DEFAULT_LINK_WINDOW} for the default trace)
  --duration S         seconds of the trace to replay (default ${DEFAULT_DURATION_S})
  --slo S              SLO in seconds (default 1)
  --images DIR         images to send (default: the prototype's 24 KB JPEG)
  --no-calibrate       start from the built-in profiles (fitted from the prototype's Orin and FC runs)
  --profiles-out FILE  keep the calibrated profiles (to simulate the same run: edgebatch simulate --profiles FILE)
  --report FILE        the run's HTML report (default edgebatch-stack-report.html in the current folder)
  --no-report          do not write the report
  --record FILE        also keep the run's record (JSON: the requests, plans, history; what the report is made of)
  --from-record FILE   do not run: print the summary and write the report of a recorded run
  --quiet              do not print the per-batch log, only re-plans, progress and the summary
  --json               print the summary as JSON (the log goes to stderr)
`;

function windowOption(name: string, raw: string | undefined, fallback: string | undefined): TimeWindow | undefined {
  const text = raw ?? fallback;
  if (text === undefined) return undefined;
  try {
    return parseWindow(text);
  } catch (error) {
    throw new UsageError(`--${name}: ${(error as Error).message}`);
  }
}

function modelOption(raw: string): { manifest: ManifestInput; baseDir?: string; label: string } {
  const builtIn = MODELS[raw];
  if (builtIn) return { manifest: builtIn, label: `${builtIn.name} (${builtIn.input.height} x ${builtIn.input.width})` };
  const path = resolve(raw);
  const manifest = parsed(() => JSON.parse(readText(path, 'model manifest')) as ManifestInput);
  return { manifest, baseDir: join(path, '..'), label: `${manifest.name ?? path} (${path})` };
}

const line = (model: LatencyModel) => `${model.mean.baseMs.toFixed(1)} + ${model.mean.perItemMs.toFixed(1)} b ms`;

/** The calibrated service lines, for the summary (undefined without calibration). */
function calibratedLines(path: string | undefined): StackRunRecord['profiles'] {
  if (!path) return undefined;
  const set: ProfileSet = readProfiles(path);
  const fc = set.serverless.find((option) => option.config.memoryMb === 2048) ?? set.serverless[0];
  return { edge: line(set.edge), serverless: fc ? `${line(fc.latency)} at ${fc.config.memoryMb} MB / ${fc.config.cpu} vCPU` : '-' };
}

/** What would differ on the real hardware: the calibrated profiles are this machine's CPU. */
function elsewhereNotes(run: StackRunRecord): string[] {
  const measured = run.profiles
    ? `The lanes here are this machine's CPU: the calibrated service time is ${run.profiles.edge} on the edge agent and ${run.profiles.serverless} on the inference function, one onnxruntime thread each, sharing 2 cores with the scheduler and the load generator.`
    : 'The lanes here are this machine\'s CPU; the run started from the built-in profiles (no calibration), which describe the prototype\'s Orin and FC.';
  const orin = DEFAULT_PROFILES.edge;
  return [
    measured,
    `On a Jetson Orin the model runs on its GPU (TensorRT or CUDA, listed in the manifest's executionProviders): a GPU batch costs little more than one image (the prototype's Orin measured ${line(orin)}), so batching pays in compute, not only in per-call overhead, the planner picks larger edge batches, and the edge's link rather than its compute decides when traffic goes to FC.`,
    'In Function Compute the inference function runs at the memory and vCPU the plan picks, as many instances as there are batches in flight (here it is one process on one core), each new instance starting cold (the model loaded again; the planner assumes 2 s) unless the plan keeps warm instances; the call crosses an in-region hop of tens of ms that loopback does not have, and costs what the summary estimates.',
  ];
}

/** Progress every BIN_S seconds: what was sent and answered, where, and the link. */
function progressReporter(say: (line: string) => void, sloMs: number, linkMbps: (tS: number) => number) {
  let bin: ReplayRecord[] = [];
  let next = BIN_S;
  let started = 0;
  return {
    start() {
      started = performance.now();
      next = BIN_S;
    },
    record(record: ReplayRecord) {
      bin.push(record);
      const elapsedS = (performance.now() - started) / 1000;
      if (elapsedS < next) return;
      const ok = bin.filter((r) => r.status === 200);
      const edge = ok.filter((r) => r.placement === 'edge').length;
      const late = bin.filter((r) => r.status !== 200 || r.latencyMs > sloMs).length;
      const meanBatch = (lane: string) => {
        const sizes = ok.filter((r) => r.placement === lane).map((r) => r.batchSize ?? 1);
        const batches = sizes.reduce((sum, b) => sum + 1 / b, 0);
        return batches > 0 ? (sizes.length / batches).toFixed(1) : '-';
      };
      say(
        `[${elapsedS.toFixed(0).padStart(4)} s] ${(bin.length / BIN_S).toFixed(1)} answers/s, edge link ${linkMbps(elapsedS).toFixed(1)} Mbit/s: ` +
          `${ok.length > 0 ? ((edge / ok.length) * 100).toFixed(0) : '-'}% on the edge, batches edge ${meanBatch('edge')} / function ${meanBatch('serverless')}, ${late} late or failed`,
      );
      bin = [];
      next = Math.floor(elapsedS / BIN_S) * BIN_S + BIN_S;
    },
  };
}

/** Prints the summary (or JSON) and writes the report; returns the analysis. */
function finish(
  run: StackRunRecord,
  options: { json: boolean; reportPath: string | undefined; recordPath: string | undefined; dashboardUrl?: string; say: (line: string) => void },
): RunAnalysis {
  const analysis = analyseRun(run);
  const { summary } = analysis;
  const compared = fidelity(run);
  const costUsd = Object.values(run.scheduler.costUsd).reduce((a, b) => a + b, 0);
  const reasons = Object.entries(run.scheduler.replanReasons).map(([reason, count]) => `${reason} ${count}`).join(', ');
  const rows: Array<[string, string]> = [
    ['estimated cost', `${costUsd.toFixed(6)} USD (${summary.answered > 0 ? ((costUsd / summary.answered) * 1e6).toFixed(2) : '-'} per million answered)`],
    ['re-plans', `${run.scheduler.replans}${reasons ? ` (${reasons})` : ''}`],
    ...analysisRows(analysis, run.imageBytes),
    ...(compared ? fidelityRows(compared) : []),
  ];
  const notes = elsewhereNotes(run);
  const replans = replanLines(analysis);
  if (options.recordPath) writeFileSync(options.recordPath, JSON.stringify(run));
  if (options.reportPath) {
    const title = `edgebatch stack: ${run.scenario.model ?? 'run'} (${run.startedAt})`;
    const summaryRows = formatSummary(summary, run.sloMs)
      .split('\n')
      .map((text) => [text.slice(0, text.indexOf('  ')).trim(), text.slice(text.indexOf('  ')).trim()] as const);
    writeFileSync(options.reportPath, stackHtmlReport(run, { title, notes, rows: [...summaryRows, ...rows], replans }));
  }
  if (options.json) {
    console.log(
      JSON.stringify(
        {
          ...summary,
          ...(compared ?? {}),
          replans: run.scheduler.replans,
          replanReasons: run.scheduler.replanReasons,
          costUsd: run.scheduler.costUsd,
          replanEvents: analysis.replans,
          changepoints: run.changepoints,
          edgeShareByBin: { binS: BIN_S, shares: analysis.edgeShareByBin },
          moves: analysis.moves,
          batches: analysis.batchStats,
          plannedMaxBatch: analysis.plannedMaxBatch,
          warmInstances: analysis.warmInstances ?? null,
          coldStarts: analysis.coldStarts,
          sloTarget: analysis.sloTarget,
          sloTargetMet: analysis.targetMet,
          scenario: run.scenario,
          ...(options.dashboardUrl ? { dashboard: options.dashboardUrl } : {}),
          ...(options.reportPath ? { report: options.reportPath } : {}),
          ...(options.recordPath ? { record: options.recordPath } : {}),
        },
        null,
        2,
      ),
    );
    return analysis;
  }
  console.log(`\n==================== summary ====================`);
  for (const [key, value] of Object.entries(run.scenario)) console.log(`${key}: ${value}`);
  console.log('');
  console.log(formatSummary(summary, run.sloMs, rows));
  console.log(`\nre-plans (time since the replay began, reason, the plan it made):`);
  for (const text of replans) console.log(text);
  console.log('');
  for (const note of notes) console.log(note);
  if (options.reportPath) console.log(`\nreport: ${options.reportPath}`);
  if (options.recordPath) console.log(`record: ${options.recordPath}`);
  return analysis;
}

const figures = (f: FidelityFigures) =>
  `${(f.attainment * 100).toFixed(1)}% in time, p50 ${f.p50Ms.toFixed(0)} ms, p99 ${f.p99Ms.toFixed(0)} ms, ${(f.edgeShare * 100).toFixed(0)}% on the edge, ${f.replans} re-plans`;

function fidelityRows(compared: { live: FidelityFigures; simulated: FidelityFigures }): Array<[string, string]> {
  return [
    ['live', figures(compared.live)],
    ['simulated', `${figures(compared.simulated)} (edgebatch's simulator, policy ours: the same arrivals, link and profiles)`],
  ];
}

/** Re-plans after the initial plan, as the simulator counts them. */
function replansAfterInitial(run: StackRunRecord): number {
  return run.scheduler.replans - (run.scheduler.replanReasons.initial ?? 0);
}

/** The run's figures live and simulated (undefined for a record without the simulation's inputs). */
function fidelity(run: StackRunRecord): { live: FidelityFigures; simulated: FidelityFigures } | undefined {
  if (!run.simulation) return undefined;
  return {
    live: liveFigures(run.records, run.sloMs, replansAfterInitial(run)),
    simulated: simulateStackRun(run.simulation, run.sloMs, run.durationS),
  };
}

function readRecord(path: string): StackRunRecord {
  const run = parsed(() => JSON.parse(readText(path, 'run record')) as StackRunRecord);
  if (run.format !== STACK_RUN_FORMAT) throw new InputError(`${path}: Expected a run record (${STACK_RUN_FORMAT}), got format ${JSON.stringify(run.format)}`);
  return run;
}

export const command: Command = {
  summary: 'run scheduler, edge agent and inference function on loopback and replay a trace',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      model: { type: 'string' },
      'model-threads': { type: 'string' },
      arrivals: { type: 'string' },
      bandwidth: { type: 'string' },
      duration: { type: 'string' },
      window: { type: 'string' },
      'link-window': { type: 'string' },
      'rate-scale': { type: 'string' },
      slo: { type: 'string' },
      images: { type: 'string' },
      'no-calibrate': { type: 'boolean' },
      'profiles-out': { type: 'string' },
      report: { type: 'string' },
      'no-report': { type: 'boolean' },
      record: { type: 'string' },
      'from-record': { type: 'string' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const json = values.json ?? false;
    const say = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);
    const reportPath = values['no-report'] ? undefined : resolve(values.report ?? 'edgebatch-stack-report.html');
    const recordPath = values.record ? resolve(values.record) : undefined;
    if (values['from-record']) {
      finish(readRecord(values['from-record']), { json, reportPath, recordPath, say });
      return EXIT.ok;
    }

    const durationS = numberOption('duration', values.duration, DEFAULT_DURATION_S, 1, 3600);
    const sloMs = numberOption('slo', values.slo, 1, 0.01, 60) * 1000;
    const rateScale = numberOption('rate-scale', values['rate-scale'], DEFAULT_RATE_SCALE, 1e-3, 100);
    const modelThreads = numberOption('model-threads', values['model-threads'], DEFAULT_MODEL_THREADS, 1, 64);
    const arrivalsFile = values.arrivals ?? DEFAULT_ARRIVALS;
    const arrivalsWindow = windowOption('window', values.window, values.arrivals ? undefined : DEFAULT_ARRIVALS_WINDOW);
    const linkFile = values.bandwidth ?? DEFAULT_LINK;
    const linkWindow = windowOption('link-window', values['link-window'], values.bandwidth ? undefined : DEFAULT_LINK_WINDOW);
    const model = modelOption(values.model ?? 'det');
    const arrivals = readArrivals(arrivalsFile, { seed: 1, rateScale, ...(arrivalsWindow ? { window: arrivalsWindow } : {}) });
    const edgeLink = readBandwidth(linkFile, linkWindow ? { window: linkWindow } : {}).trace;
    const images = loadImages(values.images);
    const windowText = (w: TimeWindow | undefined) => (w ? ` seconds ${w.startS} to ${w.endS}` : '');
    const scenario: Record<string, string> = {
      model: model.label,
      arrivals: `${arrivalsFile.replace(`${DATA}/`, 'data/')}${windowText(arrivalsWindow)}, rate x ${rateScale}`,
      'edge link': `${linkFile.replace(`${DATA}/`, 'data/')}${windowText(linkWindow)}`,
      replay: `${durationS} s, SLO ${sloMs / 1000} s, ${images.length} image(s) (${images[0]!.data.byteLength} bytes first)`,
    };

    let replayStartedAt: number | undefined;
    let inReplanBlock = false;
    const forward = (text: string) => {
      let out = text;
      if (text.startsWith('=====')) {
        inReplanBlock = !inReplanBlock || text.includes('re-plan');
        if (text.includes('re-plan') && replayStartedAt !== undefined) out = `${text} (${((performance.now() - replayStartedAt) / 1000).toFixed(1)} s)`;
      }
      if (!values.quiet || inReplanBlock || text.startsWith('=====')) say(out);
    };

    const workDir = mkdtempSync(join(tmpdir(), 'edgebatch-start-'));
    say(`Starting the local stack (model ${model.label}; SLO ${sloMs / 1000} s; ${durationS} s of ${arrivals.timesMs.length} arrivals)...`);
    let profilesPath: string | undefined;
    let profilesText: string | undefined;
    let calibrationCrowd: RunnableCounts | undefined;
    const stack = await startLocalStack({
      edgeLink,
      sloMs,
      stateDir: workDir,
      model: model.manifest,
      ...(model.baseDir ? { modelBaseDir: model.baseDir } : {}),
      laneProcesses: { modelThreads },
      schedulerEnv: {
        // The local inference function is one process, not FC's fleet of instances: two batches at once keep
        // its cores busy; more would only queue inside it, out of the scheduler's sight, and time out there.
        SERVERLESS_MAX_CONCURRENCY: String(LOCAL_SERVERLESS_CONCURRENCY),
      },
      onSchedulerLine: forward,
      prepare: async ({ edgeDirectUrl, inferenceUrl, secret }) => {
        if (values['no-calibrate']) return undefined;
        const out = values['profiles-out'] ?? join(workDir, 'profiles.json');
        say('Calibrating both lanes with real images (edgebatch calibrate)...');
        const crowd = new RunnableSampler([]);
        crowd.start();
        // calibrate prints its table on stdout; under --json that belongs on stderr with the rest of the log.
        const log = console.log;
        if (json) console.log = (...args: unknown[]) => say(args.map(String).join(' '));
        try {
          await calibrate.run(['--edge', edgeDirectUrl, '--serverless', inferenceUrl, '--secret', secret, '--batches', CALIBRATION_BATCHES, '--repeats', '3', '--out', out]);
        } finally {
          console.log = log;
          calibrationCrowd = crowd.stop();
        }
        profilesPath = out;
        profilesText = readText(out, 'calibrated profiles');
        return out;
      },
    });
    try {
      const dashboardUrl = `${stack.schedulerUrl}/dashboard`;
      say(`Scheduler ${stack.schedulerUrl}; edge agent behind a shaped link at ${stack.edgeShapedUrl}; inference ${stack.inferenceUrl}`);
      say(`Dashboard (live while the replay runs): ${dashboardUrl}`);
      say(`Replaying ${durationS} s: ${scenario.arrivals}; edge link ${scenario['edge link']}`);
      const progress = progressReporter(say, sloMs, (tS) => bandwidthAt(edgeLink, tS * 1000));
      const sampler = new PlanSampler(stack.schedulerUrl);
      const laneGroups = [stack.processes.edge.child.pid, stack.processes.inference.child.pid].filter((pid): pid is number => pid !== undefined);
      const replayCrowd = new RunnableSampler(laneGroups);
      // The link plays its trace from the replay's first request, whatever start-up and calibration took.
      stack.link.restart();
      const startEpochMs = Date.now();
      replayStartedAt = performance.now();
      sampler.start(startEpochMs);
      replayCrowd.start();
      progress.start();
      const records = await replay({
        url: stack.schedulerUrl,
        arrivalsMs: arrivals.timesMs,
        images,
        durationMs: durationS * 1000,
        drainMs: Math.max(10_000, 3 * sloMs),
        requestTimeoutMs: Math.max(30_000, 10 * sloMs),
        onRecord: (record) => progress.record(record),
      });
      const plans = await sampler.stop();
      const crowd = replayCrowd.stop();
      const imageBytes = images.reduce((sum, image) => sum + image.data.byteLength, 0) / images.length;
      const run: StackRunRecord = {
        format: STACK_RUN_FORMAT,
        startedAt: new Date(startEpochMs).toISOString(),
        sloMs,
        durationS,
        scenario,
        records,
        link: linkSeries(edgeLink, durationS),
        plans,
        ...(await fetchSchedulerRecord(stack.schedulerUrl, startEpochMs)),
        ...(profilesPath ? { profiles: calibratedLines(profilesPath)! } : {}),
        laneUrls: { edge: stack.edgeShapedUrl, serverless: stack.inferenceUrl },
        imageBytes,
        simulation: simulationInput(arrivals.timesMs, durationS, edgeLink, JSON.parse(profilesText ?? serialiseProfiles(DEFAULT_PROFILES)), {
          payloadBytes: imageBytes,
          serverlessConcurrency: LOCAL_SERVERLESS_CONCURRENCY,
          ...(calibrationCrowd ? { calibration: calibrationCrowd } : {}),
          ...(crowd ? { replay: crowd } : {}),
        }),
      };
      finish(run, { json, reportPath, recordPath, dashboardUrl, say });
      return records.length > 0 ? EXIT.ok : EXIT.failed;
    } finally {
      await stack.stop();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};
