/**
 * The edge agent's settings, read from the environment once at start and checked with "Expected X, got Y"
 * messages, so that a typo stops the agent at once instead of surfacing as odd behaviour later.
 */
import { hostname as machineName } from 'node:os';
import { assertUsableSecret } from '../shared/protocol/auth.js';
import { EngineError } from '../shared/core/errors.js';
import { intEnv } from '../shared/protocol/env-int.js';

export interface EdgeAgentConfig {
  readonly port: number;
  readonly host: string;
  /** Base URL of the scheduler (telemetry and probes go there); undefined runs the agent stand-alone. */
  readonly schedulerUrl: string | undefined;
  /** Shared HMAC secret; undefined only for a stand-alone agent on loopback. */
  readonly secret: string | undefined;
  /** Defaults to the public batch URL. */
  readonly agentId: string | undefined;
  /** The batch URL as the scheduler should call it; defaults to http://<host or machine name>:<port>/v1/batch. */
  readonly publicUrl: string | undefined;
  readonly modelManifest: string | undefined;
  readonly reportIntervalMs: number;
  /** Probe when no batch has arrived for this long; 0 disables probing. */
  readonly probeIntervalMs: number;
  readonly probeBytes: number;
  readonly maxBatchBytes: number;
  /** Batches run at once (a GPU runs one). */
  readonly concurrency: number;
  /** Batches waiting beyond the running ones before the agent answers 429. */
  readonly maxQueuedBatches: number;
  /** Bytes of batch bodies pooled into one bandwidth sample: one small body says more about timer resolution than bandwidth (transfer-pool.ts). */
  readonly minTransferSampleBytes: number;
}

export const MAX_PROBE_BYTES = 1024 * 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);


function httpUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EngineError('invalid_input', `${name}: Expected an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EngineError('invalid_input', `${name}: Expected an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export function readEdgeAgentConfig(env: NodeJS.ProcessEnv): EdgeAgentConfig {
  const host = env.HOST || '0.0.0.0';
  const schedulerUrl = httpUrl(env, 'SCHEDULER_URL');
  const secret = env.EDGE_SECRET || undefined;
  if (schedulerUrl || secret !== undefined) assertUsableSecret(secret, 'EDGE_SECRET');
  if (!secret && !LOOPBACK_HOSTS.has(host)) {
    // Without a secret anyone who can reach the port could run batches: only allowed on loopback.
    throw new EngineError('invalid_input', `EDGE_SECRET: Expected a secret of at least 16 characters when HOST is not loopback, got none (HOST is "${host}")`);
  }
  return {
    port: intEnv(env, 'PORT', 9200, 0, 65_535),
    host,
    schedulerUrl,
    secret,
    agentId: env.AGENT_ID || undefined,
    publicUrl: httpUrl(env, 'PUBLIC_URL'),
    modelManifest: env.MODEL_MANIFEST || undefined,
    reportIntervalMs: intEnv(env, 'REPORT_INTERVAL_MS', 2_000, 100, 3_600_000),
    probeIntervalMs: intEnv(env, 'PROBE_INTERVAL_MS', 10_000, 0, 3_600_000),
    probeBytes: intEnv(env, 'PROBE_BYTES', 256 * 1024, 16 * 1024, MAX_PROBE_BYTES),
    maxBatchBytes: intEnv(env, 'MAX_BATCH_BYTES', 32 * 1024 * 1024, 1024, 2 ** 31),
    concurrency: intEnv(env, 'BATCH_CONCURRENCY', 1, 1, 64),
    maxQueuedBatches: intEnv(env, 'MAX_QUEUED_BATCHES', 16, 0, 10_000),
    minTransferSampleBytes: intEnv(env, 'MIN_TRANSFER_SAMPLE_BYTES', 64 * 1024, 1, 2 ** 31),
  };
}

/** The batch URL to report when PUBLIC_URL is not set (the bound port is known only after listening). */
export function defaultPublicUrl(config: Pick<EdgeAgentConfig, 'host' | 'publicUrl'>, port: number): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? machineName() : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1/batch`;
}
