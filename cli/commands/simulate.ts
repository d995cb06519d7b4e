import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { EngineError } from '../../shared/core/errors.js';
import { ARRIVAL_FORMATS, type ArrivalFormat } from '../../shared/core/traces/arrivals.js';
import { BANDWIDTH_FORMATS, type BandwidthFormat } from '../../shared/core/traces/bandwidth.js';
import { parseWindow } from '../../shared/core/traces/text-lines.js';
import { DEFAULT_PRICES } from '../../shared/core/pricing/index.js';
import { DEFAULT_SLO_TARGET } from '../../shared/core/planner/input.js';
import { DEFAULT_TRACED_LANE } from '../../shared/core/topology.js';
import { defaultPlanners, POLICY_NAMES, simulate, type SimulationResult } from '../../shared/core/sim/index.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, InputError, UsageError, type Command } from '../command.js';
import { readProfiles } from '../profiles-file.js';
import { htmlReport } from '../report/html-report.js';
import { textTable } from '../report/table.js';
import { readArrivals, readBandwidth } from '../traces-files.js';

const usage = `Usage: edgebatch simulate --arrivals FILE --bandwidth FILE [options]

Trace-driven simulation of the planning policies under a virtual clock: the production queue policy, planner
and changepoint detectors, FC instances with cold starts, cost from the CU price model.

  --arrivals FILE          arrival trace (gaps per line, JSON gaps, per-second counts, Azure CSVs)
  --bandwidth FILE         bandwidth trace of the traced lane's link, by default the edge's (Ghent, Mahimahi,
                           Pensieve, Mbit/s lines, MB/s JSON); it repeats when shorter than the arrivals
  --arrivals-format F      ${ARRIVAL_FORMATS.join('|')} (default: detected)
  --bandwidth-format F     ${BANDWIDTH_FORMATS.join('|')} (default: detected)
  --azure-function X       Azure Functions trace: "sum" of rows (default), a row index, or a HashFunction prefix
  --profiles FILE          latency profiles (default: built-in, fitted from the prototype's measurements)
  --slo S                  the SLO's latency in seconds (default 1)
  --target F               the SLO's target: the fraction of requests within it (default 0.999)
  --policy LIST            all (default) or a comma list of: ${POLICY_NAMES.join(', ')}
  --seed N                 seed of every random draw (default 1)
  --rate-scale K           multiply the arrival rate by K (default 1)
  --window START:END       simulate only this part of the arrival trace (seconds, e.g. 0:600)
  --payload-kb K           request size in KB (default 23.6, the prototype's JPEG)
  --traced-lane L          which lane the bandwidth trace describes: edge (default, the product: scheduler and
                           inference function in one FC region, the Jetson behind its own link) or serverless
                           (the prototype's topology: scheduler beside the Jetson, FC behind the uplink; for
                           comparing with it)
  --json                   print the results as JSON (an array, one object per policy)
  --report FILE.html       write a self-contained HTML report with plots
`;

const options = {
  arrivals: { type: 'string' },
  bandwidth: { type: 'string' },
  'arrivals-format': { type: 'string' },
  'bandwidth-format': { type: 'string' },
  'azure-function': { type: 'string' },
  profiles: { type: 'string' },
  slo: { type: 'string' },
  target: { type: 'string' },
  policy: { type: 'string' },
  seed: { type: 'string' },
  'rate-scale': { type: 'string' },
  window: { type: 'string' },
  'payload-kb': { type: 'string' },
  'traced-lane': { type: 'string' },
  json: { type: 'boolean' },
  report: { type: 'string' },
} as const;

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`--${name}: Expected one of ${allowed.join(', ')}, got "${raw}".`);
  return raw as T;
}

function progressBar(): ((fraction: number, policy: string) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = -1;
  return (fraction, policy) => {
    const percent = Math.floor(fraction * 100);
    if (percent === last) return;
    last = percent;
    const filled = Math.round(fraction * 30);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${String(percent).padStart(3)}% ${policy.padEnd(16)}`);
    if (fraction >= 1) process.stderr.write('\n');
  };
}

export function describeRun(result: SimulationResult, arrivalsPath: string, bandwidthPath: string): string {
  return `${basename(arrivalsPath)} against ${basename(bandwidthPath)} (${result.options.tracedLane} link), SLO ${(result.sloTarget * 100).toFixed(1)}% within ${result.sloMs / 1000} s, ${(result.durationMs / 1000).toFixed(0)} s simulated, seed ${result.options.seed}`;
}

export const command: Command = {
  summary: 'Trace-driven simulation of the planning policies: table, --json, --report HTML',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, options);
    if (!values.arrivals) throw new UsageError('--arrivals FILE is required.');
    if (!values.bandwidth) throw new UsageError('--bandwidth FILE is required.');
    const sloMs = numberOption('slo', values.slo, 1, 0.001, 3600) * 1000;
    const sloTarget = numberOption('target', values.target, DEFAULT_SLO_TARGET, 0.5, 0.999999);
    const seed = numberOption('seed', values.seed, 1, -(2 ** 31), 2 ** 31);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed: Expected an integer, got "${values.seed}".`);
    const rateScale = numberOption('rate-scale', values['rate-scale'], 1, 1e-6, 1e4);
    const payloadBytes = Math.round(numberOption('payload-kb', values['payload-kb'], 24_178 / 1024, 0.001, 1e6) * 1024);
    const tracedLane = oneOf('traced-lane', values['traced-lane'], ['edge', 'serverless'] as const) ?? DEFAULT_TRACED_LANE;
    const policies = !values.policy || values.policy === 'all' ? [...POLICY_NAMES] : values.policy.split(',').map((p) => p.trim());
    for (const policy of policies) oneOf('policy', policy, POLICY_NAMES);
    let window;
    try {
      window = values.window ? parseWindow(values.window) : undefined;
    } catch (error) {
      throw new UsageError(`--window: ${(error as Error).message}`);
    }
    const azure = values['azure-function'];
    const arrivals = readArrivals(values.arrivals, {
      format: oneOf<ArrivalFormat | 'auto'>('arrivals-format', values['arrivals-format'], [...ARRIVAL_FORMATS, 'auto']),
      rateScale,
      window,
      azureFunction: azure === undefined || azure === 'sum' ? 'sum' : /^\d+$/.test(azure) ? Number(azure) : azure,
      seed,
    });
    const bandwidth = readBandwidth(values.bandwidth, { format: oneOf<BandwidthFormat | 'auto'>('bandwidth-format', values['bandwidth-format'], [...BANDWIDTH_FORMATS, 'auto']) });
    const profiles = readProfiles(values.profiles);
    let result: SimulationResult;
    try {
      result = simulate({
        arrivalsMs: arrivals.timesMs,
        durationMs: arrivals.durationMs,
        bandwidth: bandwidth.trace,
        profiles,
        sloMs,
        sloTarget,
        policies,
        planners: defaultPlanners(DEFAULT_PRICES),
        options: { seed, payloadBytes, tracedLane },
        onProgress: progressBar(),
      });
    } catch (error) {
      if (error instanceof EngineError) throw new InputError(error.message);
      throw error;
    }
    const rows = result.runs.map((run) => run.result);
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else {
      console.log(describeRun(result, values.arrivals, values.bandwidth));
      console.log(textTable(rows));
    }
    if (values.report) {
      const title = `Policy comparison: ${describeRun(result, values.arrivals, values.bandwidth)}`;
      writeFileSync(values.report, htmlReport(result, title, [`Profiles: ${profiles.source}. Arrivals: ${arrivals.format}, ${arrivals.timesMs.length} requests. Bandwidth: ${bandwidth.format}.`]));
      if (!values.json) console.log(`wrote ${values.report}`);
    }
    return EXIT.ok;
  },
};
