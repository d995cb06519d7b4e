/**
 * `edgebatch changepoints`: Bayesian online changepoint detection over a series file. Prints the 0-based
 * indices where new segments start (one per line), or with --json the detections and every step's outputs.
 */
import { readFileSync } from 'node:fs';
import { EngineError } from '../../shared/core/errors.js';
import {
  DEFAULT_DETECTOR_OPTIONS,
  DEFAULT_GAUSSIAN_PRIOR,
  DEFAULT_POISSON_PRIOR,
  DEFAULT_RULE_OPTIONS,
  DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR,
  detectChangepoints,
} from '../../shared/core/bocpd/index.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, InputError, UsageError, type Command } from '../command.js';

const usage = `Usage: edgebatch changepoints --model poisson|gaussian --input FILE [options]

Runs Bayesian online changepoint detection (Adams & MacKay 2007) over a series and prints the 0-based
indices where a new segment starts, one per line (a summary goes to stderr).

Input (--input FILE, or - for stdin):
  one number per line; or a JSON array of numbers; or a column of a CSV / whitespace-separated table
  (--column). Blank lines and lines starting with # are skipped.

Options:
  --model poisson|gaussian   poisson: counts per bin (Poisson-Gamma); gaussian: real values (Normal-Gamma)
  --column N|NAME            the column to read (1-based number, or a header name)
  --exposure-column N|NAME   poisson: each bin's width (exposure), for unequal bins (default 1 each)
  --log                      take the natural log of each value first (e.g. bandwidth in Mbit/s)
  --standardize              gaussian: robust standardisation (median; noise sd from successive differences)
  --hazard N                 expected segment length in observations; hazard 1/N (default ${DEFAULT_DETECTOR_OPTIONS.expectedSegmentLength})
  --prior LIST               poisson: shape,rate (default ${DEFAULT_POISSON_PRIOR.shape},${DEFAULT_POISSON_PRIOR.rate});
                             gaussian: mean,kappa,alpha,beta (default ${Object.values(DEFAULT_GAUSSIAN_PRIOR).join(',')},
                             with --standardize ${Object.values(DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR).join(',')}); also name=value pairs
  --threshold P              report a change when P(segment began in the window) >= P (default ${DEFAULT_RULE_OPTIONS.threshold})
  --min-spacing N            least distance between reported changes (default ${DEFAULT_RULE_OPTIONS.minSpacing})
  --window N                 change window in observations (default ${DEFAULT_DETECTOR_OPTIONS.changeWindow})
  --max-run-lengths N        run-length hypotheses kept per step (default ${DEFAULT_DETECTOR_OPTIONS.maxRunLengths})
  --json                     print JSON: changepoints, detections and every observation's outputs
                             (changeProbability, recentRunLength, mapRunLength, predictiveMean, logPredictive)

Examples:
  edgebatch changepoints --model poisson --input ../shared/data/traces/arrivals/twitter-may25/per-second-23h.csv --column 4
  edgebatch changepoints --model gaussian --log --input ../shared/data/traces/bandwidth/pensieve/train/FILE --column 2`;

const PRIOR_KEYS = { poisson: ['shape', 'rate'], gaussian: ['mean', 'kappa', 'alpha', 'beta'] } as const;

function parsePrior(raw: string, model: 'poisson' | 'gaussian'): Record<string, number> {
  const keys = PRIOR_KEYS[model];
  const parts = raw.split(',').map((part) => part.trim());
  const prior: Record<string, number> = {};
  parts.forEach((part, i) => {
    const [name, value] = part.includes('=') ? (part.split('=', 2) as [string, string]) : [keys[i], part];
    if (name === undefined || !(keys as readonly string[]).includes(name)) {
      throw new UsageError(`--prior: Expected ${keys.join(',')} for --model ${model}, got "${raw}".`);
    }
    prior[name] = numberOption(`prior ${name}`, value, Number.NaN);
  });
  return prior;
}

/** Splits one table row: commas, else tabs, else runs of whitespace. */
function splitRow(line: string): string[] {
  if (line.includes(',')) return line.split(',').map((cell) => cell.trim());
  if (line.includes('\t')) return line.split('\t').map((cell) => cell.trim());
  return line.trim().split(/\s+/);
}

function parseNumber(cell: string | undefined, where: string): number {
  const value = cell === undefined || cell === '' ? Number.NaN : Number(cell);
  if (!Number.isFinite(value)) throw new InputError(`${where}: Expected a number, got ${JSON.stringify(cell ?? '')}.`);
  return value;
}

interface Series {
  values: number[];
  exposures?: number[];
}

/** Reads the series (and exposures) from the file's text. */
export function parseSeries(text: string, column: string | undefined, exposureColumn: string | undefined, source: string): Series {
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError(`${source}: the file is empty.`);
  if (trimmed.startsWith('[')) {
    if (column !== undefined || exposureColumn !== undefined) throw new UsageError('--column and --exposure-column apply to tables, not JSON arrays.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError(`${source}: not valid JSON (${(error as Error).message}).`);
    }
    if (!Array.isArray(parsed)) throw new InputError(`${source}: Expected a JSON array of numbers.`);
    return { values: parsed.map((item, i) => (typeof item === 'number' && Number.isFinite(item) ? item : parseNumber(String(item), `${source} item ${i}`))) };
  }
  const lines = text.split(/\r?\n/).map((line, i) => ({ line: line.trim(), number: i + 1 })).filter(({ line }) => line !== '' && !line.startsWith('#'));
  if (column === undefined) {
    if (exposureColumn !== undefined) throw new UsageError('--exposure-column needs --column.');
    return {
      values: lines.map(({ line, number }) => {
        const cells = splitRow(line);
        if (cells.length > 1) throw new InputError(`${source} line ${number} has ${cells.length} fields; choose one with --column N|NAME.`);
        return parseNumber(cells[0], `${source} line ${number}`);
      }),
    };
  }
  // A header row is a first row whose cells are not all numbers.
  const first = splitRow(lines[0]!.line);
  const header = first.some((cell) => cell === '' || !Number.isFinite(Number(cell))) ? first : undefined;
  const resolve = (spec: string, option: string): number => {
    if (/^\d+$/.test(spec)) {
      const index = Number(spec) - 1;
      if (index < 0 || index >= first.length) throw new InputError(`${option} ${spec}: Expected a column between 1 and ${first.length} in ${source}.`);
      return index;
    }
    const index = header?.indexOf(spec) ?? -1;
    if (index < 0) throw new InputError(`${option} ${spec}: no such column in ${source}${header ? ` (columns: ${header.join(', ')})` : ' (it has no header row)'}.`);
    return index;
  };
  const valueIndex = resolve(column, '--column');
  const exposureIndex = exposureColumn === undefined ? undefined : resolve(exposureColumn, '--exposure-column');
  const rows = header ? lines.slice(1) : lines;
  const values: number[] = [];
  const exposures: number[] = [];
  for (const { line, number } of rows) {
    const cells = splitRow(line);
    values.push(parseNumber(cells[valueIndex], `${source} line ${number}, column ${valueIndex + 1}`));
    if (exposureIndex !== undefined) exposures.push(parseNumber(cells[exposureIndex], `${source} line ${number}, column ${exposureIndex + 1}`));
  }
  return exposureIndex === undefined ? { values } : { values, exposures };
}

async function readInput(path: string): Promise<string> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const { values: opts } = parseCommandArgs(argv, {
    model: { type: 'string' },
    input: { type: 'string' },
    column: { type: 'string' },
    'exposure-column': { type: 'string' },
    log: { type: 'boolean' },
    standardize: { type: 'boolean' },
    hazard: { type: 'string' },
    prior: { type: 'string' },
    threshold: { type: 'string' },
    'min-spacing': { type: 'string' },
    window: { type: 'string' },
    'max-run-lengths': { type: 'string' },
    json: { type: 'boolean' },
  });
  const model = opts.model;
  if (model !== 'poisson' && model !== 'gaussian') throw new UsageError(`--model: Expected poisson or gaussian, got ${JSON.stringify(model ?? '')}.`);
  if (opts.input === undefined) throw new UsageError('--input FILE is required (- reads stdin).');
  if (opts.standardize && model !== 'gaussian') throw new UsageError('--standardize applies to --model gaussian only: counts keep their scale.');
  if (opts['exposure-column'] !== undefined && model !== 'poisson') throw new UsageError('--exposure-column applies to --model poisson only.');
  const expectedSegmentLength = numberOption('hazard', opts.hazard, DEFAULT_DETECTOR_OPTIONS.expectedSegmentLength, 1.000001);
  const threshold = numberOption('threshold', opts.threshold, DEFAULT_RULE_OPTIONS.threshold, 1e-12, 1);
  const minSpacing = numberOption('min-spacing', opts['min-spacing'], DEFAULT_RULE_OPTIONS.minSpacing, 1);
  const changeWindow = numberOption('window', opts.window, DEFAULT_DETECTOR_OPTIONS.changeWindow, 1);
  const maxRunLengths = numberOption('max-run-lengths', opts['max-run-lengths'], DEFAULT_DETECTOR_OPTIONS.maxRunLengths, 2);
  for (const [name, value] of [['min-spacing', minSpacing], ['window', changeWindow], ['max-run-lengths', maxRunLengths]] as const) {
    if (!Number.isInteger(value)) throw new UsageError(`--${name}: Expected an integer, got "${value}".`);
  }
  const prior = opts.prior === undefined ? undefined : parsePrior(opts.prior, model);

  const source = opts.input === '-' ? 'stdin' : opts.input;
  const series = parseSeries(await readInput(opts.input), opts.column, opts['exposure-column'], source);
  if (series.values.length === 0) throw new InputError(`${source}: no observations.`);
  if (opts.log) {
    series.values = series.values.map((value, i) => {
      if (!(value > 0)) throw new InputError(`${source} observation ${i}: --log needs values > 0, got ${value}.`);
      return Math.log(value);
    });
  }

  let result;
  try {
    result = detectChangepoints(series.values, {
      model,
      ...(prior ? { prior } : {}),
      standardize: opts.standardize ?? false,
      ...(series.exposures ? { exposures: series.exposures } : {}),
      expectedSegmentLength,
      threshold,
      minSpacing,
      changeWindow,
      maxRunLengths,
      keepOutputs: opts.json ?? false,
    });
  } catch (error) {
    if (error instanceof EngineError) {
      // Bad options were checked above; what is left is the data (a non-count for poisson, ...).
      if (/^Observation \d+/.test(error.message)) throw new InputError(`${source}: ${error.message}`);
      throw new UsageError(error.message);
    }
    throw error;
  }

  if (opts.json) {
    const { detector, ...rest } = result;
    console.log(
      JSON.stringify({
        model,
        observations: series.values.length,
        options: { ...detector.options, ...detector.model.toRecord().params, threshold, minSpacing, log: opts.log ?? false },
        ...rest,
      }),
    );
  } else {
    if (result.changepoints.length > 0) console.log(result.changepoints.join('\n'));
    console.error(
      `${result.changepoints.length} changepoint${result.changepoints.length === 1 ? '' : 's'} in ${series.values.length} observations ` +
        `(${model}, hazard 1/${expectedSegmentLength}, threshold ${threshold})`,
    );
  }
  return EXIT.ok;
}

export const command: Command = {
  summary: 'Detect changepoints in a series file (Bayesian online changepoint detection)',
  usage,
  run,
};
