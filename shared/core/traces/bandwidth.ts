/**
 * Bandwidth-trace readers: from a file's TEXT to a step function ms → Mbit/s (see bandwidth-trace.ts).
 *
 * Formats (data/README.md says where each trace comes from) and units:
 * - `ghent`: Ghent 4G logs `unix_ms elapsed_ms lat lon bytes interval_ms`; each line is one step of
 *   bytes*8/interval_ms/1000 Mbit/s ending at elapsed_ms.
 * - `mahimahi`: one line per 1500-byte delivery opportunity (ms); per whole second, opportunities * 0.012 Mbit/s.
 * - `pensieve`: `time_s Mbit/s` per line; each value holds until the next time; the last holds for the median step.
 * - `mbps-lines`: one Mbit/s value per line, one second each.
 * - `mbytes-json`: the prototype's bandwidth.json, a JSON array of MB/s per second, where MB = 2^20 bytes (the
 *   prototype's transfer model writes 200 KB as 200/1024 MB): Mbit/s = MB/s * 8 * 1.048576.
 */
import { EngineError, expected } from '../errors.js';
import { bandwidthTrace, type BandwidthTrace } from './bandwidth-trace.js';
import { numberArray, numberField, traceLines, type TimeWindow } from './text-lines.js';

export type BandwidthFormat = 'ghent' | 'mahimahi' | 'pensieve' | 'mbps-lines' | 'mbytes-json';
export const BANDWIDTH_FORMATS: readonly BandwidthFormat[] = ['ghent', 'mahimahi', 'pensieve', 'mbps-lines', 'mbytes-json'];

export interface BandwidthOptions {
  readonly format?: BandwidthFormat | 'auto';
  /** Keep only [start, end) seconds, re-based to 0. */
  readonly window?: TimeWindow;
  readonly source?: string;
}

export interface ParsedBandwidth {
  readonly trace: BandwidthTrace;
  readonly format: BandwidthFormat;
}

const MAHIMAHI_MBPS_PER_OPPORTUNITY = (1500 * 8) / 1e6;
const MEBIBYTE_MBITS = 8 * 1.048576;

export function detectBandwidthFormat(text: string): BandwidthFormat {
  const head = text.trimStart();
  if (head.startsWith('[')) return 'mbytes-json';
  const lines = traceLines(head.slice(0, 4000)).slice(0, 50);
  const first = lines[0];
  if (!first) throw new EngineError('invalid_input', 'the bandwidth trace is empty');
  if (first.fields.length >= 6) return 'ghent';
  if (first.fields.length === 2) return 'pensieve';
  if (first.fields.length === 1) {
    const values = lines.map((line) => Number(line.fields[0]));
    const integersRising = values.every((v, i) => Number.isInteger(v) && (i === 0 || v >= values[i - 1]!));
    return integersRising && values.length > 1 ? 'mahimahi' : 'mbps-lines';
  }
  throw new EngineError('invalid_input', expected('a bandwidth trace (Ghent, Mahimahi, Pensieve, Mbit/s lines, MB/s JSON)', first.fields.join(' ')));
}

export function parseBandwidth(text: string, options: BandwidthOptions = {}): ParsedBandwidth {
  const source = options.source ?? 'bandwidth trace';
  const format = !options.format || options.format === 'auto' ? detectBandwidthFormat(text) : options.format;
  let steps: Steps;
  switch (format) {
    case 'ghent':
      steps = ghentSteps(text, source);
      break;
    case 'mahimahi':
      steps = mahimahiSteps(text, source);
      break;
    case 'pensieve':
      steps = pensieveSteps(text, source);
      break;
    case 'mbps-lines':
      steps = perSecondSteps(traceLines(text).map((line) => numberField(line, 0, 'Mbit/s', source)));
      break;
    case 'mbytes-json':
      steps = perSecondSteps(numberArray(text, 'MB/s', source).map((v) => v * MEBIBYTE_MBITS));
      break;
    default:
      throw new EngineError('invalid_input', `${source}: ${expected(`a format in ${BANDWIDTH_FORMATS.join(', ')}`, format)}`);
  }
  if (options.window) steps = windowSteps(steps, options.window, source);
  return { trace: bandwidthTrace(steps.startsMs, steps.mbps, steps.periodMs), format };
}

interface Steps {
  startsMs: number[];
  mbps: number[];
  periodMs: number;
}

function perSecondSteps(mbps: number[]): Steps {
  return { startsMs: mbps.map((_, i) => i * 1000), mbps, periodMs: mbps.length * 1000 };
}

function ghentSteps(text: string, source: string): Steps {
  const startsMs: number[] = [];
  const mbps: number[] = [];
  let base = 0;
  let previousEnd = 0;
  traceLines(text).forEach((line, i) => {
    const elapsed = numberField(line, 1, 'elapsed ms (2nd column)', source);
    const bytes = numberField(line, 4, 'bytes (5th column)', source);
    const interval = numberField(line, 5, 'interval ms (6th column)', source);
    if (!(interval > 0)) throw new EngineError('invalid_input', `${source} line ${line.lineNumber}: ${expected('an interval > 0 ms', interval)}`);
    if (i === 0) {
      base = elapsed - interval;
      previousEnd = 0;
    }
    const end = elapsed - base;
    if (end <= previousEnd && i > 0) throw new EngineError('invalid_input', `${source} line ${line.lineNumber}: ${expected('increasing elapsed ms', elapsed)}`);
    startsMs.push(previousEnd);
    mbps.push((bytes * 8) / interval / 1000);
    previousEnd = end;
  });
  if (startsMs.length === 0) throw new EngineError('invalid_input', `${source}: no samples`);
  return { startsMs, mbps, periodMs: previousEnd };
}

function mahimahiSteps(text: string, source: string): Steps {
  const counts: number[] = [];
  let last = -Infinity;
  for (const line of traceLines(text)) {
    const ms = numberField(line, 0, 'a delivery time in ms', source);
    if (ms < last) throw new EngineError('invalid_input', `${source} line ${line.lineNumber}: ${expected('non-decreasing ms', ms)}`);
    last = ms;
    const second = Math.floor(ms / 1000);
    while (counts.length <= second) counts.push(0);
    counts[second]! += 1;
  }
  if (counts.length === 0) throw new EngineError('invalid_input', `${source}: no delivery opportunities`);
  return perSecondSteps(counts.map((c) => c * MAHIMAHI_MBPS_PER_OPPORTUNITY));
}

function pensieveSteps(text: string, source: string): Steps {
  const startsMs: number[] = [];
  const mbps: number[] = [];
  let base = 0;
  traceLines(text).forEach((line, i) => {
    const t = numberField(line, 0, 'a time in seconds', source) * 1000;
    if (i === 0) base = t;
    if (i > 0 && t - base <= startsMs[i - 1]!) throw new EngineError('invalid_input', `${source} line ${line.lineNumber}: ${expected('increasing times', t / 1000)}`);
    startsMs.push(t - base);
    mbps.push(numberField(line, 1, 'Mbit/s', source));
  });
  if (startsMs.length === 0) throw new EngineError('invalid_input', `${source}: no samples`);
  const gaps = startsMs.slice(1).map((s, i) => s - startsMs[i]!).sort((a, b) => a - b);
  const lastStep = gaps.length > 0 ? gaps[gaps.length >> 1]! : 1000;
  return { startsMs, mbps, periodMs: startsMs[startsMs.length - 1]! + lastStep };
}

function windowSteps(steps: Steps, window: TimeWindow, source: string): Steps {
  const from = window.startS * 1000;
  const to = Math.min(window.endS * 1000, steps.periodMs);
  if (!(to > from)) throw new EngineError('invalid_input', `${source}: the window ${window.startS}:${window.endS} s is outside the trace (${steps.periodMs / 1000} s)`);
  const startsMs: number[] = [];
  const mbps: number[] = [];
  steps.startsMs.forEach((start, i) => {
    const end = i + 1 < steps.startsMs.length ? steps.startsMs[i + 1]! : steps.periodMs;
    if (end <= from || start >= to) return;
    startsMs.push(Math.max(start, from) - from);
    mbps.push(steps.mbps[i]!);
  });
  return { startsMs, mbps, periodMs: to - from };
}
