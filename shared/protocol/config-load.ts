/**
 * Loads the scheduler configuration once, at start: a JSON file (`CONFIG_FILE` or an explicit path) with the
 * environment laid over it (the environment wins), validated as a whole by SchedulerConfigSchema. Errors name
 * where the bad value came from: "server.port (env PORT): Expected an integer <= 65535, got 70000".
 */
import { readFileSync } from 'node:fs';
import { EngineError } from '../core/errors.js';
import { SchedulerConfigSchema, type SchedulerConfig } from './config.js';
import { configFromEnv, ENV_BINDINGS } from './config-env.js';
import { formatIssuePath, safeParseFormatted } from './config-issues.js';

export interface LoadConfigOptions {
  /** Usually process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A JSON file; defaults to env CONFIG_FILE; none = defaults + environment only. */
  readonly file?: string;
  /** Injected for tests; reads UTF-8 text. */
  readonly readFile?: (path: string) => string;
}

export type LoadConfigResult =
  | { readonly ok: true; readonly config: SchedulerConfig; readonly file: string | undefined; readonly envKeys: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (arrays included) in `over` replaces what is in `base`. */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeConfig(base[key], value);
  return out;
}

function readConfigFile(path: string, readFile: (path: string) => string): { ok: true; value: unknown } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    return { ok: false, error: `config file ${path}: Expected a readable file, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: `config file ${path}: Expected JSON, got a syntax error (${(error as Error).message})` };
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

export function loadSchedulerConfig(options: LoadConfigOptions = {}): LoadConfigResult {
  const env = options.env ?? {};
  const file = options.file ?? (env.CONFIG_FILE?.trim() || undefined);
  let fromFile: unknown = {};
  if (file !== undefined) {
    const read = readConfigFile(file, options.readFile ?? ((path) => readFileSync(path, 'utf8')));
    if (!read.ok) return { ok: false, errors: [read.error] };
    if (!isPlainObject(read.value)) return { ok: false, errors: [`config file ${file}: Expected a JSON object, got ${Array.isArray(read.value) ? 'an array' : JSON.stringify(read.value)}`] };
    fromFile = read.value;
  }
  const overlay = configFromEnv(env);
  const merged = mergeConfig(fromFile, overlay.values);
  const label = (path: readonly PropertyKey[]): string => {
    const dotted = formatIssuePath(path);
    // The variable that set this key (or the list it lies in).
    for (const [key, name] of overlay.sources) {
      if (dotted === key || dotted.startsWith(`${key}[`)) return `${dotted} (env ${name})`;
    }
    // A missing key: say which variable would set it.
    if (valueAt(merged, path) === undefined) {
      const binding = ENV_BINDINGS.find((b) => !b.fallback && b.path.join('.') === dotted);
      if (binding) return `${dotted} (env ${binding.env}${file !== undefined ? ` or ${file}` : ''})`;
    }
    return file !== undefined ? `${dotted} (${file})` : dotted;
  };
  const result = safeParseFormatted(SchedulerConfigSchema, merged, label);
  if (!result.ok) return { ok: false, errors: result.errors };
  return { ok: true, config: result.value, file, envKeys: [...overlay.sources.values()] };
}

/** For start-up code: the config, or an EngineError listing every problem (one per line). */
export function loadSchedulerConfigOrThrow(options: LoadConfigOptions = {}): SchedulerConfig {
  const result = loadSchedulerConfig(options);
  if (!result.ok) throw new EngineError('invalid_input', `Invalid configuration:\n  ${result.errors.join('\n  ')}`);
  return result.config;
}
