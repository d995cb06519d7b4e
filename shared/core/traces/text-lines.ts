import { EngineError, expected } from '../errors.js';

/** A non-empty, non-comment line of a trace file with its 1-based line number (for error messages). */
export interface TraceLine {
  readonly lineNumber: number;
  readonly fields: readonly string[];
}

/**
 * Splits trace text into lines of fields (whitespace, comma or tab separated), skipping blank lines and `#`
 * comments. Files from the wild mix CRLF and LF and trailing spaces, so all of that is tolerated here once.
 */
export function traceLines(text: string): TraceLine[] {
  const lines: TraceLine[] = [];
  let lineNumber = 0;
  for (const raw of text.split('\n')) {
    lineNumber += 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    lines.push({ lineNumber, fields: line.split(/[\s,]+/) });
  }
  return lines;
}

/** A finite number from one field, or a invalid_input error naming the line and file kind. */
export function numberField(line: TraceLine, index: number, what: string, source: string): number {
  const raw = line.fields[index];
  const value = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) {
    throw new EngineError('invalid_input', `${source} line ${line.lineNumber}: ${expected(what, raw ?? '(missing field)')}`);
  }
  return value;
}

/** Parses a JSON array of finite numbers, or throws naming what was expected. */
export function numberArray(text: string, what: string, source: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EngineError('invalid_input', `${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new EngineError('invalid_input', `${source}: ${expected('a JSON array of numbers', parsed)}`);
  parsed.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new EngineError('invalid_input', `${source}: element ${index}: ${expected(what, value)}`);
    }
  });
  return parsed as number[];
}

/** A time window in seconds, [startS, endS). */
export interface TimeWindow {
  readonly startS: number;
  readonly endS: number;
}

/** Parses "START:END" (seconds; either side may be empty: ":600" or "60:"). */
export function parseWindow(text: string): TimeWindow {
  const match = /^\s*([0-9.]*)\s*:\s*([0-9.]*)\s*$/.exec(text);
  const startS = match?.[1] ? Number(match[1]) : 0;
  const endS = match?.[2] ? Number(match[2]) : Infinity;
  if (!match || Number.isNaN(startS) || Number.isNaN(endS) || !(endS > startS)) {
    throw new EngineError('invalid_input', expected('a window START:END in seconds with END > START, e.g. "0:600"', text));
  }
  return { startS, endS };
}
