/**
 * `edgebatch changepoints`: Bayesian changepoint detection over a series file. Prints the 0-based indices
 * where new segments start (one per line), or with --json the detections and every step's outputs; with
 * --annotations it also scores them (F1 with margin 5 and covering, as in the TCPD benchmark).
 */
import { basename } from 'node:path';
import { EngineError } from '../../shared/core/errors.js';
import {
  DEFAULT_DETECTOR_OPTIONS,
  DEFAULT_GAUSSIAN_PRIOR,
  DEFAULT_POISSON_PRIOR,
  DEFAULT_RULE_OPTIONS,
  DEFAULT_SMOOTHED_THRESHOLD,
  DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR,
  F1_MARGIN,
  SeriesOptionError,
  annotationsFor,
  covering,
  detectChangepoints,
  f1Score,
  parseSeriesText,
} from '../../shared/core/bocpd/index.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, InputError, UsageError, type Command } from '../command.js';
import { isGzip, readTextFile } from '../text-file.js';
import { gunzipSync } from 'node:zlib';

/** Series up to this long run the exact recursion unless --max-run-lengths is given (it costs little there). */
const EXACT_UP_TO = 2000;
/**
 * The smoothed rule keeps two evidences per observation and makes a second pass: the default up to this
 * length (annotated series, day-long traces); longer series stream through the online rule unless asked.
 */
const SMOOTHED_UP_TO = 100_000;

const usage = `Usage: edgebatch changepoints --input FILE [--model gaussian|poisson] [--annotations FILE.json] [options]

Bayesian changepoint detection (Adams & MacKay 2007) over a series; prints the 0-based indices where a new
segment starts, one per line (a summary goes to stderr).

Input (--input FILE, or - for stdin; a gzipped file is read as well):
  one number per line (blank lines and # comments skipped); a column of a CSV / whitespace table
  (--column); a JSON array of numbers; or a Turing Change Point Dataset (TCPD) dataset file
  {"name", "series": [{"label", "raw": [...]}]}, whose missing values (null) are filled by linear
  interpolation.

Evaluation (--annotations FILE.json): also prints F1 (margin ${F1_MARGIN}) and cover against every annotator, as
defined by van den Burg & Williams 2020 ("An Evaluation of Change Point Detection Algorithms"). The file is
TCPD's annotations.json, {"<series>": {"<annotator>": [index, ...]}}, from which the series named by
--series, else the dataset's "name", else the input's file name (extensions dropped) is taken; or one
series' {"<annotator>": [index, ...]}. Indices are 0-based first observations of new segments.

Options:
  --model gaussian|poisson   gaussian (default): real values (Normal-Gamma); poisson: counts per bin (Poisson-Gamma)
  --column N|NAME            the column to read (1-based number or header name), or a TCPD dataset's series
  --exposure-column N|NAME   poisson: each bin's width (exposure), for unequal bins (default 1 each)
  --log                      take the natural log of each value first (e.g. bandwidth in Mbit/s)
  --no-standardize           gaussian: use the values as they are, with the log-bandwidth prior below
                             (default: standardise by the median and the series' marginal spread)
  --rule smoothed|online     smoothed: changes where the posterior given the whole series puts probability
                             mass >= the threshold within half the min spacing (a second pass over the
                             series backwards); online: as the live detector reports them. Default:
                             smoothed for series up to ${SMOOTHED_UP_TO.toLocaleString('en-US')} observations, online beyond
  --hazard N                 expected segment length in observations; hazard 1/N (default ${DEFAULT_DETECTOR_OPTIONS.expectedSegmentLength})
  --prior LIST               poisson: shape,rate (default ${DEFAULT_POISSON_PRIOR.shape},${DEFAULT_POISSON_PRIOR.rate});
                             gaussian: mean,kappa,alpha,beta in standardised units (default ${Object.values(DEFAULT_STANDARDIZED_GAUSSIAN_PRIOR).join(',')}),
                             or with --no-standardize (default ${Object.values(DEFAULT_GAUSSIAN_PRIOR).join(',')}); also name=value pairs
  --threshold P              probability needed to report a change (default: smoothed ${DEFAULT_SMOOTHED_THRESHOLD.toFixed(3)}, two to
                             one odds, as the whole-series posterior runs overconfident; online ${DEFAULT_RULE_OPTIONS.threshold})
  --min-spacing N            least distance between reported changes (default ${DEFAULT_RULE_OPTIONS.minSpacing})
  --window N                 online: change window in observations (default ${DEFAULT_DETECTOR_OPTIONS.changeWindow})
  --max-run-lengths N        run-length hypotheses kept per step (default: all for series up to ${EXACT_UP_TO}
                             observations, else ${DEFAULT_DETECTOR_OPTIONS.maxRunLengths})
  --annotations FILE.json    score the changes against these annotations (see above)
  --series NAME              the series to take from a TCPD annotations file
  --json                     print JSON: changepoints, detections, every observation's outputs (and the
                             posterior, and the scores)

Examples:
  edgebatch changepoints --input TCPD/datasets/nile/nile.json --annotations TCPD/annotations.json   (a Turing Change Point Dataset checkout)
  edgebatch changepoints --model poisson --input data/traces/arrivals/twitter-may25/per-second-23h.csv.gz --column 4
  edgebatch changepoints --log --input data/traces/bandwidth/pensieve/train/bus.ljansbakken-oslo-report.2010-09-28_1407CEST.log --column 2`;

const PRIOR_KEYS = { poisson: ['shape', 'rate'], gaussian: ['mean', 'kappa', 'alpha', 'beta'] } as const;

function parsePrior(raw: string, model: 'poisson' | 'gaussian'): Record<string, number> {
  const keys = PRIOR_KEYS[model];
  const prior: Record<string, number> = {};
  raw
    .split(',')
    .map((part) => part.trim())
    .forEach((part, i) => {
      const [name, value] = part.includes('=') ? (part.split('=', 2) as [string, string]) : [keys[i], part];
      if (name === undefined || !(keys as readonly string[]).includes(name)) {
        throw new UsageError(`--prior: Expected ${keys.join(',')} for --model ${model}, got "${raw}".`);
      }
      prior[name] = numberOption(`prior ${name}`, value, Number.NaN);
    });
  return prior;
}

async function readInput(path: string, what: string): Promise<string> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      return (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
    }
    return readTextFile(path);
  } catch (error) {
    throw new InputError(`cannot read ${what}${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Core parse errors become usage (wrong options for the input) or input errors (bad data). */
function mapErrors<T>(run: () => T, source: string): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof SeriesOptionError) throw new UsageError(error.message);
    if (error instanceof EngineError) throw new InputError(error.message.startsWith(source) ? error.message : `${source}: ${error.message}`);
    throw error;
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
    'no-standardize': { type: 'boolean' },
    rule: { type: 'string' },
    hazard: { type: 'string' },
    prior: { type: 'string' },
    threshold: { type: 'string' },
    'min-spacing': { type: 'string' },
    window: { type: 'string' },
    'max-run-lengths': { type: 'string' },
    annotations: { type: 'string' },
    series: { type: 'string' },
    json: { type: 'boolean' },
  });
  const model = opts.model ?? 'gaussian';
  if (model !== 'poisson' && model !== 'gaussian') throw new UsageError(`--model: Expected poisson or gaussian, got ${JSON.stringify(model)}.`);
  if (opts.input === undefined) throw new UsageError('--input FILE is required (- reads stdin).');
  if (opts.standardize && model !== 'gaussian') throw new UsageError('--standardize applies to --model gaussian only: counts keep their scale.');
  if (opts.standardize && opts['no-standardize']) throw new UsageError('--standardize and --no-standardize contradict each other.');
  if (opts['exposure-column'] !== undefined && model !== 'poisson') throw new UsageError('--exposure-column applies to --model poisson only.');
  if (opts.rule !== undefined && opts.rule !== 'smoothed' && opts.rule !== 'online') {
    throw new UsageError(`--rule: Expected smoothed or online, got ${JSON.stringify(opts.rule)}.`);
  }
  if (opts.series !== undefined && opts.annotations === undefined) throw new UsageError('--series applies with --annotations.');
  const standardize = model === 'gaussian' && !opts['no-standardize'];
  const expectedSegmentLength = numberOption('hazard', opts.hazard, DEFAULT_DETECTOR_OPTIONS.expectedSegmentLength, 1.000001);
  const thresholdOption = opts.threshold === undefined ? undefined : numberOption('threshold', opts.threshold, Number.NaN, 1e-12, 1);
  const minSpacing = numberOption('min-spacing', opts['min-spacing'], DEFAULT_RULE_OPTIONS.minSpacing, 1);
  const changeWindow = numberOption('window', opts.window, DEFAULT_DETECTOR_OPTIONS.changeWindow, 1);
  const cap = opts['max-run-lengths'] === undefined ? undefined : numberOption('max-run-lengths', opts['max-run-lengths'], 0, 2);
  for (const [name, value] of [['min-spacing', minSpacing], ['window', changeWindow], ['max-run-lengths', cap ?? 2]] as const) {
    if (!Number.isInteger(value)) throw new UsageError(`--${name}: Expected an integer, got "${value}".`);
  }
  const prior = opts.prior === undefined ? undefined : parsePrior(opts.prior, model);

  const source = opts.input === '-' ? 'stdin' : opts.input;
  const text = await readInput(opts.input, '');
  const series = mapErrors(() => parseSeriesText(text, { column: opts.column, exposureColumn: opts['exposure-column'], source }), source);
  let values = series.values;
  if (values.length === 0) throw new InputError(`${source}: no observations.`);
  if (opts.log) {
    values = values.map((value, i) => {
      if (!(value > 0)) throw new InputError(`${source} observation ${i}: --log needs values > 0, got ${value}.`);
      return Math.log(value);
    });
  }
  const maxRunLengths = cap ?? (values.length <= EXACT_UP_TO ? Infinity : DEFAULT_DETECTOR_OPTIONS.maxRunLengths);
  const rule = (opts.rule as 'smoothed' | 'online' | undefined) ?? (values.length <= SMOOTHED_UP_TO ? 'smoothed' : 'online');
  const threshold = thresholdOption ?? (rule === 'smoothed' ? DEFAULT_SMOOTHED_THRESHOLD : DEFAULT_RULE_OPTIONS.threshold);

  let result;
  try {
    result = detectChangepoints(values, {
      model,
      ...(prior ? { prior } : {}),
      standardize,
      ...(series.exposures ? { exposures: series.exposures } : {}),
      rule,
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

  let evaluation: { series?: string; annotators: number; margin: number; f1: number; precision: number; recall: number; cover: number } | undefined;
  if (opts.annotations !== undefined) {
    const annotationsText = await readInput(opts.annotations, 'annotations ');
    const name = opts.series ?? series.name ?? basename(source).replace(/(\.(gz|json|csv|txt|tsv))+$/i, '');
    const annotations = mapErrors(() => {
      let json: unknown;
      try {
        json = JSON.parse(annotationsText);
      } catch (error) {
        throw new EngineError('invalid_input', `not valid JSON (${(error as Error).message}).`);
      }
      return annotationsFor(json, name);
    }, opts.annotations);
    const score = f1Score(annotations.changepoints, result.changepoints);
    evaluation = {
      ...(annotations.series !== undefined ? { series: annotations.series } : {}),
      annotators: annotations.changepoints.length,
      margin: F1_MARGIN,
      ...score,
      cover: covering(annotations.changepoints, result.changepoints, values.length),
    };
  }

  const summary =
    `${result.changepoints.length} changepoint${result.changepoints.length === 1 ? '' : 's'} in ${values.length} observations ` +
    `(${model}${standardize ? ', standardised' : ''}, ${rule}, hazard 1/${expectedSegmentLength}, threshold ${Number(threshold.toFixed(3))}` +
    `${series.filled > 0 ? `; ${series.filled} missing values interpolated` : ''})`;
  if (opts.json) {
    const { detector, posterior, ...rest } = result;
    console.log(
      JSON.stringify({
        model,
        observations: values.length,
        options: { ...detector.options, ...detector.model.toRecord().params, rule, threshold, minSpacing, log: opts.log ?? false },
        ...rest,
        ...(posterior ? { posterior: Array.from(posterior) } : {}),
        ...(evaluation ? { evaluation } : {}),
      }),
    );
  } else if (evaluation) {
    console.log(`changepoints: ${result.changepoints.join(' ')}`);
    console.log(
      `F1 (margin ${evaluation.margin}): ${evaluation.f1.toFixed(3)} (precision ${evaluation.precision.toFixed(3)}, recall ${evaluation.recall.toFixed(3)}, ` +
        `${evaluation.annotators} annotator${evaluation.annotators === 1 ? '' : 's'}${evaluation.series ? ` of ${evaluation.series}` : ''})`,
    );
    console.log(`cover: ${evaluation.cover.toFixed(3)}`);
    console.error(summary);
  } else {
    if (result.changepoints.length > 0) console.log(result.changepoints.join('\n'));
    console.error(summary);
  }
  return EXIT.ok;
}

export const command: Command = {
  summary: 'Detect changepoints in a series file (Bayesian changepoint detection); score them against annotations',
  usage,
  run,
};
