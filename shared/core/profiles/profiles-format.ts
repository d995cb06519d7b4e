import { EngineError, expected } from '../errors.js';
import type { LatencyModel, LinearLatency, ProfileSet, ServerlessOption } from '../types.js';

/** The profiles file: a ProfileSet plus a format version, as `edgebatch fit --out` writes it. */
export const PROFILES_FORMAT = 'edgebatch-profiles/1';

export interface ProfilesFile extends ProfileSet {
  readonly format: typeof PROFILES_FORMAT;
}

export function serialiseProfiles(set: ProfileSet): string {
  const file: ProfilesFile = { format: PROFILES_FORMAT, source: set.source, edge: set.edge, serverless: set.serverless };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Parses and validates a profiles file's text; every problem names the field. */
export function parseProfiles(text: string, fileName: string): ProfileSet {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EngineError('invalid_input', `${fileName}: Expected JSON, got a parse error (${(error as Error).message})`);
  }
  const root = record(raw, `${fileName}`);
  if (root.format !== PROFILES_FORMAT) throw new EngineError('invalid_input', `${fileName}: ${expected(`format "${PROFILES_FORMAT}"`, root.format)}`);
  if (typeof root.source !== 'string') throw new EngineError('invalid_input', `${fileName}: ${expected('source, a string', root.source)}`);
  if (!Array.isArray(root.serverless)) throw new EngineError('invalid_input', `${fileName}: ${expected('serverless, an array', root.serverless)}`);
  const serverless = root.serverless.map((entry, index) => serverlessOption(entry, `${fileName}: serverless[${index}]`));
  return { source: root.source, edge: latencyModel(root.edge, `${fileName}: edge`), serverless };
}

function serverlessOption(raw: unknown, where: string): ServerlessOption {
  const entry = record(raw, where);
  const config = record(entry.config, `${where}.config`);
  const memoryMb = finite(config.memoryMb, `${where}.config.memoryMb`, 128);
  const cpu = finite(config.cpu, `${where}.config.cpu`, 0.05);
  if (memoryMb % 64 !== 0) throw new EngineError('invalid_input', `${where}.config.memoryMb: ${expected('a multiple of 64 MB', memoryMb)}`);
  const gbPerCpu = memoryMb / 1024 / cpu;
  if (gbPerCpu < 1 - 1e-9 || gbPerCpu > 4 + 1e-9) throw new EngineError('invalid_input', `${where}.config: ${expected('memory(GB):vCPU between 1:1 and 1:4', { memoryMb, cpu })}`);
  return { config: { memoryMb, cpu }, latency: latencyModel(entry.latency, `${where}.latency`), coldStartMs: finite(entry.coldStartMs, `${where}.coldStartMs`, 0) };
}

function latencyModel(raw: unknown, where: string): LatencyModel {
  const model = record(raw, where);
  if (!Array.isArray(model.relativeResiduals) || !model.relativeResiduals.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new EngineError('invalid_input', `${where}.relativeResiduals: Expected an array of numbers, got ${JSON.stringify(model.relativeResiduals)?.slice(0, 40)}`);
  }
  return {
    mean: line(model.mean, `${where}.mean`),
    p99: line(model.p99, `${where}.p99`),
    relativeResiduals: model.relativeResiduals as number[],
    samples: finite(model.samples, `${where}.samples`, 0),
    rmseMs: finite(model.rmseMs, `${where}.rmseMs`, 0),
  };
}

function line(raw: unknown, where: string): LinearLatency {
  const value = record(raw, where);
  return { baseMs: finite(value.baseMs, `${where}.baseMs`, 0), perItemMs: finite(value.perItemMs, `${where}.perItemMs`, 0) };
}

function record(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EngineError('invalid_input', `${where}: ${expected('an object', raw)}`);
  return raw as Record<string, unknown>;
}

function finite(raw: unknown, where: string, min: number): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min) throw new EngineError('invalid_input', `${where}: ${expected(`a number >= ${min}`, raw)}`);
  return raw;
}
