/**
 * A bandwidth trace as a step function of time (ms → Mbit/s) that repeats with its period, as Mahimahi's mm-link
 * replays a trace. Transfers integrate over it: a transfer that starts in a slow second stays slow.
 * Mbit/s is 1000 bits per ms.
 */
import { EngineError, expected } from '../errors.js';

export interface BandwidthTrace {
  /** Start of each step, ms; startsMs[0] = 0, increasing. */
  readonly startsMs: Float64Array;
  /** Mbit/s of each step. */
  readonly mbps: Float64Array;
  /** Length of one pass, ms; the last step runs to it, then the trace repeats. */
  readonly periodMs: number;
  /** Bits delivered from 0 to each step's start (prefix sums, for O(log n) transfer times). */
  readonly cumulativeBits: Float64Array;
  /** Bits delivered in one period. */
  readonly bitsPerPeriod: number;
}

export function bandwidthTrace(startsMs: ArrayLike<number>, mbps: ArrayLike<number>, periodMs: number): BandwidthTrace {
  const n = startsMs.length;
  if (n === 0 || n !== mbps.length) throw new EngineError('invalid_input', expected('at least one bandwidth step', n));
  if (startsMs[0] !== 0) throw new EngineError('invalid_input', expected('a first step at 0 ms', startsMs[0]));
  const cumulativeBits = new Float64Array(n);
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const start = startsMs[i]!;
    const end = i + 1 < n ? startsMs[i + 1]! : periodMs;
    const rate = mbps[i]!;
    if (!(end > start)) throw new EngineError('invalid_input', `bandwidth step ${i}: ${expected('increasing step times', [start, end])}`);
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new EngineError('invalid_input', `bandwidth step ${i}: ${expected('Mbit/s >= 0', rate)}`);
    cumulativeBits[i] = bits;
    bits += rate * 1000 * (end - start);
  }
  if (!(bits > 0)) throw new EngineError('invalid_input', 'the bandwidth trace delivers nothing (all steps are 0 Mbit/s)');
  return { startsMs: Float64Array.from(startsMs), mbps: Float64Array.from(mbps), periodMs, cumulativeBits, bitsPerPeriod: bits };
}

/** Index of the step holding `phaseMs` (0 <= phase < period). */
function stepIndex(trace: BandwidthTrace, phaseMs: number): number {
  const starts = trace.startsMs;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= phaseMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Mbit/s at instant t. */
export function bandwidthAt(trace: BandwidthTrace, tMs: number): number {
  const phase = tMs - Math.floor(tMs / trace.periodMs) * trace.periodMs;
  return trace.mbps[stepIndex(trace, phase)]!;
}

/** Bits delivered from 0 to t (t >= 0). */
export function bitsUntil(trace: BandwidthTrace, tMs: number): number {
  const cycles = Math.floor(tMs / trace.periodMs);
  const phase = tMs - cycles * trace.periodMs;
  const i = stepIndex(trace, phase);
  return cycles * trace.bitsPerPeriod + trace.cumulativeBits[i]! + (phase - trace.startsMs[i]!) * trace.mbps[i]! * 1000;
}

/** Mean Mbit/s over [from, to). */
export function meanBandwidth(trace: BandwidthTrace, fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) return bandwidthAt(trace, fromMs);
  return (bitsUntil(trace, toMs) - bitsUntil(trace, fromMs)) / (toMs - fromMs) / 1000;
}

/** The instant at which `bits` sent from `startMs` have all crossed the link (the link's full rate is ours). */
export function transferEndMs(trace: BandwidthTrace, startMs: number, bits: number): number {
  if (bits <= 0) return startMs;
  const target = bitsUntil(trace, startMs) + bits;
  const cycles = Math.floor(target / trace.bitsPerPeriod);
  let rest = target - cycles * trace.bitsPerPeriod;
  // Last step whose cumulative bits are < rest (so that it carries the remainder at a positive rate).
  const cum = trace.cumulativeBits;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cum[mid]! < rest) lo = mid;
    else hi = mid - 1;
  }
  rest -= cum[lo]!;
  const rate = trace.mbps[lo]! * 1000;
  const within = rate > 0 ? rest / rate : 0;
  return Math.max(startMs, cycles * trace.periodMs + trace.startsMs[lo]! + within);
}

/** Mean Mbit/s of each whole second [k s, k+1 s) over `seconds` seconds (the truth the oracle plans with). */
export function perSecondBandwidth(trace: BandwidthTrace, seconds: number): Float64Array {
  const out = new Float64Array(seconds);
  let previous = 0;
  for (let k = 0; k < seconds; k++) {
    const next = bitsUntil(trace, (k + 1) * 1000);
    out[k] = (next - previous) / 1e6;
    previous = next;
  }
  return out;
}
