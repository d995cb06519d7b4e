import { EngineError } from '../core/errors.js';

/** An integer setting from the environment, with "Expected X, got Y" when it is not one or out of range. */
export function intEnv(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EngineError('invalid_input', `${name}: Expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
