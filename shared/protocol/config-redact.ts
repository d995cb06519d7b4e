/**
 * Secrets in the configuration are never printed: logs and `edgebatch config check` show a redacted copy.
 * The list of secret paths is also what the logger's pino `redact` option is built from.
 */
import type { SchedulerConfig } from './config.js';

export const REDACTED = '[redacted]';

/** Config paths that hold secrets. */
export const SECRET_CONFIG_PATHS: readonly (readonly string[])[] = [
  ['security', 'edgeSecret'],
  ['security', 'configSecret'],
  ['security', 'cloud', 'accessKeyId'],
  ['security', 'cloud', 'accessKeySecret'],
  ['security', 'cloud', 'securityToken'],
];

function readPath(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A deep copy with every secret that is set replaced by "[redacted]" (unset ones stay absent). */
export function redactConfig(config: SchedulerConfig): SchedulerConfig {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const path of SECRET_CONFIG_PATHS) {
    const parent = readPath(copy, path.slice(0, -1));
    const key = path[path.length - 1]!;
    if (typeof parent === 'object' && parent !== null && (parent as Record<string, unknown>)[key] !== undefined) {
      (parent as Record<string, unknown>)[key] = REDACTED;
    }
  }
  return copy as unknown as SchedulerConfig;
}

/** The secret values themselves, for scrubbing any text that might carry one (the logger's last guard). */
export function configSecretValues(config: SchedulerConfig): string[] {
  const values: string[] = [];
  for (const path of SECRET_CONFIG_PATHS) {
    const value = readPath(config, path);
    if (typeof value === 'string' && value.length >= 4) values.push(value);
  }
  return values;
}
