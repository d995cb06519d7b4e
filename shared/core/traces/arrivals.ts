/**
 * Arrival-trace readers: from a file's TEXT (the CLI reads the file) to sorted arrival times in ms from 0.
 *
 * Formats (data/README.md says where each trace comes from):
 * - `gaps`: one inter-arrival gap in seconds per line (the Twitter hours, the prototype's TW_* files).
 * - `json-gaps`: a JSON array of gaps in seconds (the prototype's workload-*.json).
 * - `per-second`: `second,0,1,count` lines (twitter-may25/per-second-23h.csv); the count of each second is
 *   spread uniformly at random within it (seeded).
 * - `azure-functions`: Azure Functions 2019 `invocations.csv` (`HashOwner,HashApp,HashFunction,Trigger,1..1440`,
 *   calls per minute); one row or the sum of all rows, spread uniformly at random within each minute (seeded).
 * - `azure-llm`: Azure LLM inference `TIMESTAMP,ContextTokens,GeneratedTokens` with ISO-like timestamps.
 */
import { EngineError, expected } from '../errors.js';
import { numberArray, numberField, traceLines, type TimeWindow } from './text-lines.js';

export type ArrivalFormat = 'gaps' | 'json-gaps' | 'per-second' | 'azure-functions' | 'azure-llm';
export const ARRIVAL_FORMATS: readonly ArrivalFormat[] = ['gaps', 'json-gaps', 'per-second', 'azure-functions', 'azure-llm'];

/** A source of uniform numbers in [0, 1): the seeded generator's `next`, injected so the core stays pure. */
export type Uniform = () => number;

export interface ArrivalOptions {
  /** Format, or 'auto' (default) to detect it from the text. */
  readonly format?: ArrivalFormat | 'auto';
  /** Multiplies the rate (default 1): see `scaleArrivals`. */
  readonly rateScale?: number;
  /** Keep only [start, end) seconds of the trace, re-based to start at 0 (applied before scaling). */
  readonly window?: TimeWindow;
  /** Azure Functions: 'sum' of all rows (default), a 0-based row index, or a HashFunction prefix. */
  readonly azureFunction?: 'sum' | number | string;
  /** Seeded uniforms for spreading counts and for rate scaling; required by those, unused otherwise. */
  readonly uniform?: Uniform;
  /** Name of the file for messages. */
  readonly source?: string;
}

export interface ArrivalTrace {
  /** Sorted arrival instants, ms from the start of the (windowed) trace. */
  readonly timesMs: Float64Array;
  readonly format: ArrivalFormat;
  /** Length of the trace in ms: the window's or the file's own span, at least the last arrival. */
  readonly durationMs: number;
}

/** Guesses the format from the first characters and lines of the text. */
export function detectArrivalFormat(text: string): ArrivalFormat {
  const head = text.trimStart();
  if (head.startsWith('[')) return 'json-gaps';
  const firstLine = head.slice(0, head.indexOf('\n') === -1 ? head.length : head.indexOf('\n')).trim();
  if (/^HashOwner,/i.test(firstLine)) return 'azure-functions';
  if (/^TIMESTAMP,/i.test(firstLine) || /^\d{4}-\d{2}-\d{2}[ T]\d/.test(firstLine)) return 'azure-llm';
  const fields = firstLine.split(/[\s,]+/);
  if (fields.length === 4) return 'per-second';
  if (fields.length === 1) return 'gaps';
  throw new EngineError('invalid_input', expected('an arrival trace (gap lines, JSON gaps, per-second counts, Azure CSV)', firstLine));
}

export function parseArrivals(text: string, options: ArrivalOptions = {}): ArrivalTrace {
  const source = options.source ?? 'arrival trace';
  const format = !options.format || options.format === 'auto' ? detectArrivalFormat(text) : options.format;
  let parsed: { timesMs: Float64Array; durationMs: number };
  switch (format) {
    case 'gaps':
      parsed = fromGaps(
        traceLines(text).map((line) => {
          if (line.fields.length !== 1) throw new EngineError('invalid_input', `${source} line ${line.lineNumber}: ${expected('one inter-arrival gap (seconds) per line', line.fields.join(' '))}`);
          return numberField(line, 0, 'an inter-arrival gap in seconds', source);
        }),
        source,
      );
      break;
    case 'json-gaps':
      parsed = fromGaps(numberArray(text, 'an inter-arrival gap in seconds', source), source);
      break;
    case 'per-second':
      parsed = fromPerSecond(text, source, needUniform(options, format));
      break;
    case 'azure-functions':
      parsed = fromAzureFunctions(text, source, options.azureFunction ?? 'sum', needUniform(options, format));
      break;
    case 'azure-llm':
      parsed = fromTimestamps(text, source);
      break;
    default:
      throw new EngineError('invalid_input', `${source}: ${expected(`a format in ${ARRIVAL_FORMATS.join(', ')}`, format)}`);
  }
  let { timesMs, durationMs } = parsed;
  if (options.window) ({ timesMs, durationMs } = windowArrivals(timesMs, durationMs, options.window));
  const scale = options.rateScale ?? 1;
  if (scale !== 1) timesMs = scaleArrivals(timesMs, durationMs, scale, needUniform(options, 'rate scaling'));
  if (timesMs.length === 0) throw new EngineError('invalid_input', `${source}: no arrivals (after the window and rate scale)`);
  return { timesMs, format, durationMs };
}

function needUniform(options: ArrivalOptions, what: string): Uniform {
  if (!options.uniform) throw new EngineError('internal', `${what} needs a seeded generator (options.uniform)`);
  return options.uniform;
}

function fromGaps(gapsS: readonly number[], source: string): { timesMs: Float64Array; durationMs: number } {
  const timesMs = new Float64Array(gapsS.length);
  let t = 0;
  for (let i = 0; i < gapsS.length; i++) {
    const gap = gapsS[i]!;
    if (gap < 0) throw new EngineError('invalid_input', `${source}: gap ${i + 1}: ${expected('a gap >= 0 seconds', gap)}`);
    t += gap * 1000;
    timesMs[i] = t;
  }
  return { timesMs, durationMs: t };
}

/** Spreads `count` arrivals uniformly over [startMs, startMs + spanMs), sorted, into `out` from `offset`. */
function spread(out: Float64Array, offset: number, count: number, startMs: number, spanMs: number, uniform: Uniform): void {
  for (let k = 0; k < count; k++) out[offset + k] = startMs + uniform() * spanMs;
  out.subarray(offset, offset + count).sort();
}

function fromPerSecond(text: string, source: string, uniform: Uniform) {
  const rows: Array<{ second: number; count: number; line: { lineNumber: number } }> = [];
  for (const line of traceLines(text)) {
    const row = { second: numberField(line, 0, 'a second index', source), count: numberField(line, 3, 'an arrival count (4th column)', source), line };
    // The real per-second-23h.csv repeats the last second of each hour (hour files joined): such rows add up.
    const last = rows[rows.length - 1];
    if (last && last.second === row.second) rows[rows.length - 1] = { ...last, count: last.count + row.count };
    else rows.push(row);
  }
  return fromBins(rows, 1000, source, uniform);
}

function fromBins(rows: ReadonlyArray<{ second: number; count: number; line?: { lineNumber: number } }>, binMs: number, source: string, uniform: Uniform) {
  let total = 0;
  for (const row of rows) {
    if (row.count < 0 || !Number.isInteger(row.count)) {
      throw new EngineError('invalid_input', `${source}${row.line ? ` line ${row.line.lineNumber}` : ''}: ${expected('a whole count >= 0', row.count)}`);
    }
    total += row.count;
  }
  const first = rows.length > 0 ? rows[0]!.second : 0;
  const timesMs = new Float64Array(total);
  let offset = 0;
  let lastBin = -Infinity;
  for (const row of rows) {
    if (row.second <= lastBin) throw new EngineError('invalid_input', `${source}: bins must increase, got ${row.second} after ${lastBin}`);
    lastBin = row.second;
    spread(timesMs, offset, row.count, (row.second - first) * binMs, binMs, uniform);
    offset += row.count;
  }
  return { timesMs, durationMs: rows.length > 0 ? (lastBin - first + 1) * binMs : 0 };
}

function fromAzureFunctions(text: string, source: string, which: 'sum' | number | string, uniform: Uniform) {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const header = lines[0]?.split(',') ?? [];
  if (header[0] !== 'HashOwner' || header.length < 5) throw new EngineError('invalid_input', `${source}: ${expected('an Azure Functions header HashOwner,HashApp,HashFunction,Trigger,1,...', lines[0])}`);
  const minutes = header.length - 4;
  const rows = lines.slice(1).map((line) => line.split(','));
  let chosen: string[][];
  if (which === 'sum') chosen = rows;
  else if (typeof which === 'number') {
    if (!Number.isInteger(which) || which < 0 || which >= rows.length) throw new EngineError('invalid_input', `${source}: ${expected(`a row index 0..${rows.length - 1}`, which)}`);
    chosen = [rows[which]!];
  } else {
    chosen = rows.filter((row) => row[2]?.startsWith(which));
    if (chosen.length === 0) throw new EngineError('invalid_input', `${source}: ${expected('a HashFunction prefix present in the file', which)}`);
  }
  const counts = new Array<number>(minutes).fill(0);
  chosen.forEach((row, r) => {
    if (row.length !== header.length) throw new EngineError('invalid_input', `${source} row ${r + 1}: ${expected(`${header.length} columns`, row.length)}`);
    for (let m = 0; m < minutes; m++) {
      const value = Number(row[4 + m]);
      if (!Number.isFinite(value)) throw new EngineError('invalid_input', `${source} row ${r + 1} minute ${m + 1}: ${expected('a count', row[4 + m])}`);
      counts[m]! += value;
    }
  });
  return fromBins(counts.map((count, m) => ({ second: m, count })), 60_000, source, uniform);
}

/** "2023-11-16 18:15:46.6805900" → ms since the epoch (UTC; only differences matter). */
function timestampMs(raw: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?/.exec(raw);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + (frac ? Number(frac) * 1000 : 0);
}

function fromTimestamps(text: string, source: string) {
  const stamps: number[] = [];
  for (const line of traceLines(text)) {
    if (/^TIMESTAMP/i.test(line.fields[0]!)) continue;
    // Fields split on spaces and commas: the date and the time of day are the first two.
    const raw = `${line.fields[0]} ${line.fields[1] ?? ''}`;
    const ms = timestampMs(raw);
    if (Number.isNaN(ms)) throw new EngineError('invalid_input', `${source} line ${line.lineNumber}: ${expected('a timestamp like 2023-11-16 18:15:46.68', raw)}`);
    stamps.push(ms);
  }
  stamps.sort((a, b) => a - b);
  const first = stamps[0] ?? 0;
  const timesMs = Float64Array.from(stamps, (ms) => ms - first);
  return { timesMs, durationMs: timesMs.length > 0 ? timesMs[timesMs.length - 1]! : 0 };
}

/** Keeps arrivals in [start, end) seconds, shifted so the window starts at 0. */
export function windowArrivals(timesMs: Float64Array, durationMs: number, window: TimeWindow): { timesMs: Float64Array; durationMs: number } {
  const startMs = window.startS * 1000;
  const endMs = Math.min(window.endS * 1000, Math.max(durationMs, timesMs.length > 0 ? timesMs[timesMs.length - 1]! : 0));
  const kept = timesMs.filter((t) => t >= startMs && t < endMs).map((t) => t - startMs);
  return { timesMs: kept, durationMs: Math.max(0, endMs - startMs) };
}

/**
 * Multiplies the arrival rate by `scale` while keeping its shape over time (so it stays aligned with the
 * bandwidth trace; compressing time would not): each arrival is kept floor(scale) times, plus once more with
 * probability frac(scale). Extra copies land uniformly in the gap to the next arrival, so a burst stays a burst
 * and no two copies coincide. scale < 1 thins the trace.
 */
export function scaleArrivals(timesMs: Float64Array, durationMs: number, scale: number, uniform: Uniform): Float64Array {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new EngineError('invalid_input', expected('a rate scale > 0', scale));
  const whole = Math.floor(scale);
  const fraction = scale - whole;
  const out: number[] = [];
  const meanGap = timesMs.length > 0 ? Math.max(durationMs, timesMs[timesMs.length - 1]!) / timesMs.length : 0;
  for (let i = 0; i < timesMs.length; i++) {
    const t = timesMs[i]!;
    const gap = i + 1 < timesMs.length ? timesMs[i + 1]! - t : meanGap;
    const copies = whole + (uniform() < fraction ? 1 : 0);
    for (let c = 0; c < copies; c++) out.push(c === 0 ? t : t + uniform() * gap);
  }
  return Float64Array.from(out).sort();
}
