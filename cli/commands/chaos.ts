import { chaosPassed, formatChaosReport } from '../chaos/format.js';
import { runChaos } from '../chaos/run-chaos.js';
import { chaosSchedule } from '../chaos/schedule.js';
import { BUNDLED_ARRIVALS, BUNDLED_EDGE_LINK } from '../bundled-assets.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, type Command } from '../command.js';
import { loadImages } from '../loadgen/images.js';
import { readArrivals, readBandwidth } from '../traces-files.js';

const DEFAULT_ARRIVALS = BUNDLED_ARRIVALS;
const DEFAULT_BANDWIDTH = BUNDLED_EDGE_LINK;

const usage = `Usage: edgebatch chaos [options]      (what \`npm run chaos\` runs)

Starts the local stack on loopback (the serverless lane through the FC API stand-in and the real FC SDK, the
state in the Tablestore stand-in through the real Tablestore SDK), replays the bundled Twitter trace with real
JPEGs, and on a schedule kills and restarts the edge agent, makes the inference function fail (5xx,
throttling, crashes) and stall, and stalls and fails the state store. Prints how many requests were accepted,
answered with a result, answered with an error (by code), lost and answered twice. Stops by itself.

Exit status: 0 when no request was lost or answered twice, 1 otherwise.

Options:
  --duration S      seconds of trace to replay under faults (default 120)
  --rate-scale K    multiply the trace's arrival rate by K (default 0.5, what this 2-core machine serves)
  --slo S           SLO in seconds (default 1)
  --json            print the report as JSON
`;

export const command: Command = {
  summary: 'replay a trace on the local stack while killing the edge, failing FC and stalling the store',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      duration: { type: 'string' },
      'rate-scale': { type: 'string' },
      slo: { type: 'string' },
      json: { type: 'boolean' },
    });
    const durationMs = numberOption('duration', values.duration, 120, 10, 3600) * 1000;
    const sloMs = numberOption('slo', values.slo, 1, 0.1, 60) * 1000;
    const arrivals = readArrivals(DEFAULT_ARRIVALS, { seed: 1, rateScale: numberOption('rate-scale', values['rate-scale'], 0.5, 1e-3, 100) });
    const say = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
    say(`Chaos: ${durationMs / 1000} s of the Twitter trace, SLO ${sloMs / 1000} s; starting the local stack...`);
    const report = await runChaos({
      arrivalsMs: arrivals.timesMs,
      edgeLink: readBandwidth(DEFAULT_BANDWIDTH).trace,
      images: loadImages(),
      durationMs,
      sloMs,
      schedule: chaosSchedule(durationMs),
      onLog: say,
    });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatChaosReport(report));
    return chaosPassed(report) ? EXIT.ok : EXIT.failed;
  },
};
