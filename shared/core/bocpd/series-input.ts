/**
 * Reading a series from text, for `edgebatch changepoints` and the bench. Accepted:
 * - one number per line (blank lines and lines starting with # skipped);
 * - a column of a CSV / tab / whitespace-separated table, chosen by 1-based number or header name;
 * - a JSON array of numbers;
 * - a dataset of the Turing Change Point Dataset (TCPD): {"name", "series": [{"label", "raw": [...]}, ...]},
 *   one series chosen by label or 1-based number (the first by default). Missing values (null) are filled
 *   by linear interpolation between their neighbours (the nearest value at either end), so indices keep
 *   their meaning for the annotations.
 */
import { EngineError, expected } from '../errors.js';

export interface SeriesInput {
  readonly values: number[];
  /** Per-observation exposures (bin widths), when an exposure column was read. */
  readonly exposures?: number[];
  /** The TCPD dataset's name, used to find its annotations. */
  readonly name?: string;
  /** How many missing values were interpolated. */
  readonly filled: number;
}

export interface SeriesTextOptions {
  /** The column (tables) or series (TCPD datasets): a 1-based number or a header name / label. */
  readonly column?: string;
  /** A table's exposure column. */
  readonly exposureColumn?: string;
  /** The input's name in messages. */
  readonly source: string;
}

/** Options that do not fit the input's shape (a usage mistake rather than bad data). */
export class SeriesOptionError extends EngineError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

function parseNumber(cell: string | undefined, where: string): number {
  const value = cell === undefined || cell.trim() === '' ? Number.NaN : Number(cell);
  if (!Number.isFinite(value)) throw new EngineError('invalid_input', `${where}: Expected a number, got ${JSON.stringify(cell ?? '')}.`);
  return value;
}

/** Splits one table row: commas, else tabs, else runs of whitespace. */
function splitRow(line: string): string[] {
  if (line.includes(',')) return line.split(',').map((cell) => cell.trim());
  if (line.includes('\t')) return line.split('\t').map((cell) => cell.trim());
  return line.trim().split(/\s+/);
}

/** Fills nulls by linear interpolation; returns the values and how many were filled. */
function interpolate(raw: readonly unknown[], where: string): { values: number[]; filled: number } {
  const values = raw.map((value, i) => {
    if (value === null) return Number.NaN;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new EngineError('invalid_input', expected(`${where} item ${i} a number or null`, value));
    return value;
  });
  let filled = 0;
  let left = -1; // the last known index before the current gap
  for (let i = 0; i <= values.length; i += 1) {
    if (i < values.length && Number.isNaN(values[i]!)) continue;
    // a gap (left, i) of missing values ends here
    for (let j = left + 1; j < i; j += 1) {
      if (left < 0 && i === values.length) throw new EngineError('invalid_input', `${where}: every value is missing.`);
      values[j] = left < 0 ? values[i]! : i === values.length ? values[left]! : values[left]! + ((values[i]! - values[left]!) * (j - left)) / (i - left);
      filled += 1;
    }
    left = i;
  }
  return { values, filled };
}

function fromJson(text: string, options: SeriesTextOptions): SeriesInput {
  const { column, exposureColumn, source } = options;
  if (exposureColumn !== undefined) throw new SeriesOptionError('--exposure-column applies to tables, not JSON.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EngineError('invalid_input', `${source}: not valid JSON (${(error as Error).message}).`);
  }
  if (Array.isArray(parsed)) {
    if (column !== undefined) throw new SeriesOptionError('--column applies to tables and TCPD datasets, not JSON arrays.');
    return { values: parsed.map((item, i) => (typeof item === 'number' && Number.isFinite(item) ? item : parseNumber(String(item), `${source} item ${i}`))), filled: 0 };
  }
  const dataset = parsed as { name?: unknown; series?: unknown };
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(dataset.series) || dataset.series.length === 0) {
    throw new EngineError('invalid_input', `${source}: Expected a JSON array of numbers or a TCPD dataset ({"series": [{"raw": [...]}]}).`);
  }
  const series = dataset.series as { label?: unknown; raw?: unknown }[];
  let index = 0;
  if (column !== undefined) {
    index = /^\d+$/.test(column) ? Number(column) - 1 : series.findIndex((s) => s.label === column);
    if (index < 0 || index >= series.length) {
      throw new SeriesOptionError(`--column ${column}: Expected a series number 1-${series.length} or a label (${series.map((s) => String(s.label)).join(', ')}).`);
    }
  } else if (series.length > 1) {
    throw new SeriesOptionError(`${source} holds ${series.length} series (${series.map((s) => String(s.label)).join(', ')}); choose one with --column N|LABEL.`);
  }
  const raw = series[index]!.raw;
  if (!Array.isArray(raw)) throw new EngineError('invalid_input', expected(`${source} series ${index + 1} with a "raw" array`, raw));
  const { values, filled } = interpolate(raw, `${source} series ${index + 1}`);
  return { values, filled, ...(typeof dataset.name === 'string' ? { name: dataset.name } : {}) };
}

/** One number per line, read without splitting the text into an array of lines (1e6 lines stay cheap). */
function fromLines(text: string, source: string): SeriesInput {
  const values: number[] = [];
  let start = 0;
  let lineNumber = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber += 1;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const value = Number(line);
    if (Number.isFinite(value)) {
      values.push(value);
      continue;
    }
    const cells = splitRow(line);
    if (cells.length > 1) throw new EngineError('invalid_input', `${source} line ${lineNumber} has ${cells.length} fields; choose one with --column N|NAME.`);
    throw new EngineError('invalid_input', `${source} line ${lineNumber}: Expected a number, got ${JSON.stringify(line)}.`);
  }
  return { values, filled: 0 };
}

function fromTable(text: string, column: string, exposureColumn: string | undefined, source: string): SeriesInput {
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'));
  // A header row is a first row whose cells are not all numbers.
  const first = splitRow(lines[0]!.line);
  const header = first.some((cell) => cell === '' || !Number.isFinite(Number(cell))) ? first : undefined;
  const resolve = (spec: string, option: string): number => {
    if (/^\d+$/.test(spec)) {
      const index = Number(spec) - 1;
      if (index < 0 || index >= first.length) throw new SeriesOptionError(`${option} ${spec}: Expected a column between 1 and ${first.length} in ${source}.`);
      return index;
    }
    const index = header?.indexOf(spec) ?? -1;
    if (index < 0) throw new SeriesOptionError(`${option} ${spec}: no such column in ${source}${header ? ` (columns: ${header.join(', ')})` : ' (it has no header row)'}.`);
    return index;
  };
  const valueIndex = resolve(column, '--column');
  const exposureIndex = exposureColumn === undefined ? undefined : resolve(exposureColumn, '--exposure-column');
  const values: number[] = [];
  const exposures: number[] = [];
  for (const { line, number } of header ? lines.slice(1) : lines) {
    const cells = splitRow(line);
    values.push(parseNumber(cells[valueIndex], `${source} line ${number}, column ${valueIndex + 1}`));
    if (exposureIndex !== undefined) exposures.push(parseNumber(cells[exposureIndex], `${source} line ${number}, column ${exposureIndex + 1}`));
  }
  return exposureIndex === undefined ? { values, filled: 0 } : { values, exposures, filled: 0 };
}

/** Reads a series from a file's text (see the module comment for the formats). */
export function parseSeriesText(text: string, options: SeriesTextOptions): SeriesInput {
  const { column, exposureColumn, source } = options;
  const trimmed = text.trim();
  if (trimmed === '') throw new EngineError('invalid_input', `${source}: the file is empty.`);
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return fromJson(trimmed, options);
  if (column === undefined) {
    if (exposureColumn !== undefined) throw new SeriesOptionError('--exposure-column needs --column.');
    return fromLines(text, source);
  }
  return fromTable(text, column, exposureColumn, source);
}
