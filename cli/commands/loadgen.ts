import { parseWindow } from '../../shared/core/traces/index.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { readArrivals } from '../traces-files.js';
import { loadImages } from '../loadgen/images.js';
import { replay } from '../loadgen/replay.js';
import { formatSummary } from '../loadgen/format.js';
import { summarise } from '../loadgen/summary.js';

const usage = `Usage: edgebatch loadgen --url URL --arrivals FILE [options]

Replays an arrival trace against a running scheduler: each arrival POSTs one real image to <URL>/v1/infer at
its time, then prints a summary (requests, SLO attainment, latency p50/p99, placement split, errors).

Options:
  --url URL            the scheduler, e.g. http://127.0.0.1:9000 (required)
  --arrivals FILE      arrival trace in any supported format (required)
  --images DIR         images to send, cycled (default: the prototype's 24 KB JPEG)
  --duration S         stop sending after S seconds of the trace (default 120)
  --window START:END   seconds of the trace to replay (default: from the start)
  --rate-scale K       multiply the trace's rate by K (default 1)
  --slo S              SLO in seconds for the attainment figure (default 1)
  --seed N             seed for spreading per-second counts and scaling (default 1)
  --json               print the summary as JSON
`;

export const command: Command = {
  summary: 'replay an arrival trace with real images against a running scheduler',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      url: { type: 'string' },
      arrivals: { type: 'string' },
      images: { type: 'string' },
      duration: { type: 'string' },
      window: { type: 'string' },
      'rate-scale': { type: 'string' },
      slo: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.url) throw new UsageError('--url is required');
    if (!values.arrivals) throw new UsageError('--arrivals is required');
    const durationS = numberOption('duration', values.duration, 120, 0.001);
    const sloMs = numberOption('slo', values.slo, 1, 0.001) * 1000;
    const trace = readArrivals(values.arrivals, {
      seed: numberOption('seed', values.seed, 1, 0),
      rateScale: numberOption('rate-scale', values['rate-scale'], 1, 1e-6),
      ...(values.window ? { window: parseWindow(values.window) } : {}),
    });
    const images = loadImages(values.images);
    const progress = process.stderr.isTTY && !values.json;
    const records = await replay({
      url: values.url,
      arrivalsMs: trace.timesMs,
      images,
      durationMs: durationS * 1000,
      drainMs: Math.max(10_000, 3 * sloMs),
      requestTimeoutMs: Math.max(30_000, 10 * sloMs),
      ...(progress ? { onProgress: (sent: number, total: number) => process.stderr.write(`\rsent ${sent}/${total}`) } : {}),
    });
    if (progress) process.stderr.write('\n');
    const summary = summarise(records, sloMs);
    console.log(values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary, sloMs));
    return summary.requests > 0 ? EXIT.ok : EXIT.failed;
  },
};
