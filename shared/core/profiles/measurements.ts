import { EngineError } from '../errors.js';

/** One timed batch: its size, the configuration's memory, and the service time (ms) without client transfer. */
export interface LatencySample {
  readonly batch: number;
  readonly memoryMb: number;
  readonly latencyMs: number;
}

/**
 * The prototype's edge file (`fitting_orin.txt`): `batch memoryMB total_s infer_s other_s`, memory a
 * placeholder, total = infer + other. We take `infer_s`, the Orin's GPU time for the batch (it grows about
 * 8.2 ms per image, the prototype's own edge line 42 + 8.2 b ms). `other_s` is the prototype harness's
 * per-call overhead (0.35-0.55 s whatever the batch: its client posted only a batch size and the box read
 * the images from its own disk), so it belongs to no lane we run; the planner adds our own transfer and
 * round trip from the lane's live link.
 */
export function parseEdgeMeasurements(text: string, fileName: string): LatencySample[] {
  return parseRows(text, fileName, 5, 'batch memoryMB total_s infer_s other_s', (cells) => ({
    batch: cells[0]!,
    memoryMb: cells[1]!,
    latencyMs: cells[3]! * 1000,
  }));
}

/**
 * The prototype's serverless file (`fitting_api_new.txt`): `batch memoryMB latency_s`, the batch latency of
 * an InvokeFunction call timed at the client. That includes the upload of the batch's images (about 24 KB
 * each), a few tens of ms at the prototype's ~23 Mbit/s against 0.4-1.8 s of CPU inference; we keep it as
 * service time (slightly pessimistic) because the file has no separate transfer column.
 */
export function parseServerlessMeasurements(text: string, fileName: string): LatencySample[] {
  return parseRows(text, fileName, 3, 'batch memoryMB latency_s', (cells) => ({
    batch: cells[0]!,
    memoryMb: cells[1]!,
    latencyMs: cells[2]! * 1000,
  }));
}

function parseRows(
  text: string,
  fileName: string,
  minColumns: number,
  format: string,
  toSample: (cells: readonly number[]) => LatencySample,
): LatencySample[] {
  const samples: LatencySample[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${fileName} line ${index + 1}`;
    const raw = line.split(/\s+/);
    if (raw.length < minColumns) {
      throw new EngineError('invalid_input', `${where}: Expected ${minColumns} columns (${format}), got ${raw.length}: "${truncate(line)}"`);
    }
    const cells = raw.map(Number);
    const bad = cells.findIndex((value, column) => column < minColumns && !Number.isFinite(value));
    if (bad >= 0) throw new EngineError('invalid_input', `${where}: Expected a number in column ${bad + 1} (${format}), got "${raw[bad]}"`);
    const sample = toSample(cells);
    if (!Number.isInteger(sample.batch) || sample.batch < 1) {
      throw new EngineError('invalid_input', `${where}: Expected a batch size (integer >= 1) in column 1, got "${raw[0]}"`);
    }
    if (!(sample.memoryMb > 0)) throw new EngineError('invalid_input', `${where}: Expected a memory size > 0 MB in column 2, got "${raw[1]}"`);
    if (!(sample.latencyMs > 0)) throw new EngineError('invalid_input', `${where}: Expected a latency > 0 s, got ${sample.latencyMs / 1000}`);
    samples.push(sample);
  }
  if (samples.length === 0) throw new EngineError('invalid_input', `${fileName}: Expected measurement lines (${format}), got none`);
  return samples;
}

function truncate(line: string): string {
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
