import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWindow } from '../../shared/core/traces/index.js';
import { BUNDLED_ARRIVALS, BUNDLED_EDGE_LINK } from '../bundled-assets.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, type Command } from '../command.js';
import { formatSummary } from '../loadgen/format.js';
import { loadImages } from '../loadgen/images.js';
import { replay } from '../loadgen/replay.js';
import { summarise } from '../loadgen/summary.js';
import { startLocalStack } from '../stack/local-stack.js';
import { fetchSchedulerReport } from '../stack/scheduler-report.js';
import { readArrivals, readBandwidth } from '../traces-files.js';
import { command as calibrate } from './calibrate.js';

const DEFAULT_ARRIVALS = BUNDLED_ARRIVALS;
const DEFAULT_BANDWIDTH = BUNDLED_EDGE_LINK;

const usage = `Usage: edgebatch stack [options]      (what \`npm start\` runs)

Starts the whole system on loopback, each part its own process: the inference function, an edge agent behind
a link shaped to a real bandwidth trace, and the scheduler. Calibrates both lanes with real images (the
prototype's first step), replays a real arrival trace with real JPEGs against the scheduler, prints the
prototype-style log as it goes, and ends with a summary. Exits when the replay ends.

Options:
  --arrivals FILE      arrival trace (default: the first 10 minutes of the Twitter hour, bundled)
  --bandwidth FILE     the edge link's bandwidth trace (default: a Ghent 4G drive, bundled)
  --duration S         seconds of the trace to replay (default 120)
  --window START:END   part of the arrival trace to use (default from 0)
  --rate-scale K       multiply the arrival rate by K (default 0.5: what this 2-core machine serves
                       alongside the model processes; raise it on a bigger machine)
  --slo S              SLO in seconds (default 1)
  --images DIR         images to send (default: the prototype's 24 KB JPEG)
  --no-calibrate       start from the built-in profiles (fitted from the prototype's Orin and FC runs)
  --profiles-out FILE  keep the calibrated profiles (to simulate the same run: edgebatch simulate --profiles FILE)
  --quiet              do not print the per-batch log, only re-plans and the summary
  --json               print the summary as JSON
`;

export const command: Command = {
  summary: 'run scheduler, edge agent and inference function on loopback and replay a trace',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      arrivals: { type: 'string' },
      bandwidth: { type: 'string' },
      duration: { type: 'string' },
      window: { type: 'string' },
      'rate-scale': { type: 'string' },
      slo: { type: 'string' },
      images: { type: 'string' },
      'no-calibrate': { type: 'boolean' },
      'profiles-out': { type: 'string' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const durationS = numberOption('duration', values.duration, 120, 1, 3600);
    const sloMs = numberOption('slo', values.slo, 1, 0.01, 60) * 1000;
    const arrivals = readArrivals(values.arrivals ?? DEFAULT_ARRIVALS, {
      seed: 1,
      rateScale: numberOption('rate-scale', values['rate-scale'], 0.5, 1e-3, 100),
      ...(values.window ? { window: parseWindow(values.window) } : {}),
    });
    const edgeLink = readBandwidth(values.bandwidth ?? DEFAULT_BANDWIDTH).trace;
    const images = loadImages(values.images);
    const say = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
    let inReplanBlock = false;
    const forward = (line: string) => {
      if (line.startsWith('=====')) inReplanBlock = !inReplanBlock || line.includes('re-plan');
      if (!values.quiet || inReplanBlock || line.startsWith('=====')) say(line);
    };

    const workDir = mkdtempSync(join(tmpdir(), 'edgebatch-start-'));
    say(`Starting the local stack (SLO ${sloMs / 1000} s, ${durationS} s of ${arrivals.timesMs.length} arrivals)...`);
    const stack = await startLocalStack({
      edgeLink,
      sloMs,
      stateDir: workDir,
      onSchedulerLine: forward,
      prepare: async ({ edgeDirectUrl, inferenceUrl, secret }) => {
        if (values['no-calibrate']) return undefined;
        const out = values['profiles-out'] ?? join(workDir, 'profiles.json');
        say('Calibrating both lanes with real images (edgebatch calibrate)...');
        await calibrate.run(['--edge', edgeDirectUrl, '--serverless', inferenceUrl, '--secret', secret, '--batches', '1,2,4,8,16,32', '--repeats', '3', '--out', out]);
        return out;
      },
    });
    try {
      say(`Scheduler ${stack.schedulerUrl}; edge agent behind a shaped link at ${stack.edgeShapedUrl}; inference ${stack.inferenceUrl}`);
      const records = await replay({
        url: stack.schedulerUrl,
        arrivalsMs: arrivals.timesMs,
        images,
        durationMs: durationS * 1000,
        drainMs: Math.max(10_000, 3 * sloMs),
        requestTimeoutMs: Math.max(30_000, 10 * sloMs),
      });
      const summary = summarise(records, sloMs);
      const report = await fetchSchedulerReport(stack.schedulerUrl);
      const costUsd = Object.values(report.costUsd).reduce((a, b) => a + b, 0);
      if (values.json) {
        console.log(JSON.stringify({ ...summary, replans: report.replans, replanReasons: report.replanReasons, costUsd: report.costUsd }, null, 2));
      } else {
        const reasons = Object.entries(report.replanReasons).map(([reason, count]) => `${reason} ${count}`).join(', ');
        console.log(`\n==================== summary ====================`);
        console.log(
          formatSummary(summary, sloMs, [
            ['estimated cost', `${costUsd.toFixed(6)} USD (${summary.answered > 0 ? ((costUsd / summary.answered) * 1e6).toFixed(2) : '-'} per million answered)`],
            ['re-plans', `${report.replans}${reasons ? ` (${reasons})` : ''}`],
          ]),
        );
      }
      return summary.requests > 0 ? EXIT.ok : EXIT.failed;
    } finally {
      await stack.stop();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};
