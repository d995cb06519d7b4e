import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fitProfileSet } from '../../shared/core/profiles/fit-profiles.js';
import { serialiseProfiles } from '../../shared/core/profiles/profiles-format.js';
import type { LatencyModel, ProfileSet } from '../../shared/core/types.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, InputError, UsageError, type Command } from '../command.js';
import { readEdgeMeasurements, readServerlessMeasurements } from '../profiles-file.js';

const usage = `Usage: edgebatch fit --edge FILE --serverless FILE [options]

Fits latency profiles (mean and p99 lines in batch size, residuals) from measurement files and prints them
with their error; --out writes the profiles file that plan and simulate take with --profiles.

  --edge FILE          edge measurements: "batch memoryMB total_s infer_s other_s" per line
                       (the prototype's fitting_orin.txt); infer_s is fitted, the planner adds transfer
  --serverless FILE    serverless measurements: "batch memoryMB latency_s" (fitting_api_new.txt);
                       one option per memory size, plus 4096 MB extrapolated from a batch x memory fit
  --out FILE           write the profiles file (JSON, format edgebatch-profiles/1)
  --cold-start-ms MS   serverless cold-start time to record (default 2000, an assumption: see README)
  --edge-max-batch N   largest edge batch the fit uses (default 200)
  --tail Q             tail quantile of the p99 line (default 0.99)
  --json               print the profiles file instead of the table

Example:
  edgebatch fit --edge data/seed/measurements/fitting_orin.txt \\
    --serverless data/seed/measurements/fitting_api_new.txt --out profiles.json`;

function describe(name: string, model: LatencyModel): string {
  const f = (v: number) => v.toFixed(2);
  return `${name.padEnd(22)} mean ${f(model.mean.baseMs).padStart(8)} + ${f(model.mean.perItemMs).padStart(7)} b ms   p99 ${f(model.p99.baseMs).padStart(8)} + ${f(model.p99.perItemMs).padStart(7)} b ms   rmse ${f(model.rmseMs).padStart(7)} ms   n ${model.samples}`;
}

export function profilesTable(set: ProfileSet): string {
  const lines = [`source: ${set.source}`, describe('edge', set.edge)];
  for (const option of set.serverless) {
    lines.push(describe(`serverless ${option.config.memoryMb} MB/${option.config.cpu} vCPU`, option.latency) + `   cold start ${option.coldStartMs} ms`);
  }
  return lines.join('\n');
}

export const command: Command = {
  summary: 'fit latency profiles from measurement files (and write the profiles file)',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      edge: { type: 'string' },
      serverless: { type: 'string' },
      out: { type: 'string' },
      'cold-start-ms': { type: 'string' },
      'edge-max-batch': { type: 'string' },
      tail: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.edge || !values.serverless) throw new UsageError('--edge FILE and --serverless FILE are both required.');
    const coldStartMs = numberOption('cold-start-ms', values['cold-start-ms'], 2000, 0);
    const edgeMaxBatch = numberOption('edge-max-batch', values['edge-max-batch'], 200, 2);
    const tailQuantile = numberOption('tail', values.tail, 0.99, 0.5, 0.9999);
    const edge = readEdgeMeasurements(values.edge);
    const serverless = readServerlessMeasurements(values.serverless);
    let set: ProfileSet;
    try {
      set = fitProfileSet(edge, serverless, `fit of ${basename(values.edge)} (edge, infer_s) and ${basename(values.serverless)} (serverless)`, {
        coldStartMs,
        edgeMaxBatch,
        tailQuantile,
      });
    } catch (error) {
      throw new InputError((error as Error).message);
    }
    const text = serialiseProfiles(set);
    if (values.out) writeFileSync(values.out, text);
    console.log(values.json ? text.trimEnd() : profilesTable(set) + (values.out ? `\nwrote ${values.out}` : ''));
    return EXIT.ok;
  },
};
