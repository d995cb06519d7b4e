/**
 * Runs the FC API stand-in as a process, for the local stack: `tsx functions/inference/fc-api-standin-main.ts`.
 * Point the scheduler at it with INFERENCE_ENDPOINT=127.0.0.1:<port> INFERENCE_PROTOCOL=http and any
 * ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (the stand-in records the signature but cannot check it).
 *
 * Environment: PORT (default 9300, 0 = any), HOST (127.0.0.1), COLD_START_MS (0), KEEP_ALIVE_MS (600000),
 * MAX_INSTANCES (100), FUNCTIONS (comma list of names that exist; default any).
 */
import { expected } from '../../shared/core/errors.js';
import { startFcApiStandin } from './fc-api-standin.js';

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: ${expected('a non-negative integer', raw)}`);
  return value;
}

try {
  const functions = (process.env.FUNCTIONS ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  const standin = await startFcApiStandin({
    port: integer('PORT', 9300),
    host: process.env.HOST || '127.0.0.1',
    coldStartMs: integer('COLD_START_MS', 0),
    keepAliveMs: integer('KEEP_ALIVE_MS', 600_000),
    maxInstances: integer('MAX_INSTANCES', 100),
    ...(functions.length > 0 ? { functions } : {}),
  });
  console.log(JSON.stringify({ msg: 'FC API stand-in listening', endpoint: standin.endpoint, protocol: 'http' }));
  const stop = () => void standin.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(`fc-api-standin: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
