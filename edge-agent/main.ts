/**
 * `npm run edge-agent`: the thin server on the edge box. Reads its settings from the environment
 * (config.ts: PORT, HOST, SCHEDULER_URL, EDGE_SECRET, AGENT_ID, PUBLIC_URL, MODEL_MANIFEST, REPORT_INTERVAL_MS,
 * PROBE_INTERVAL_MS, PROBE_BYTES, MAX_BATCH_BYTES, BATCH_CONCURRENCY, MAX_QUEUED_BATCHES,
 * MIN_TRANSFER_SAMPLE_BYTES, MAX_IMAGE_PIXELS, LOG_LEVEL), loads the model, serves batches and, when
 * SCHEDULER_URL is set, reports telemetry and probes the link.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { RequestVerifier } from '../shared/protocol/auth.js';
import { modelSettingsFromEnv } from '../shared/model/runner.js';
import { ThreadModel } from '../shared/model/thread-model.js';
import { createEdgeAgentApp } from './app.js';
import { LoopStalls } from './loop-stalls.js';
import { defaultPublicUrl, readEdgeAgentConfig } from './config.js';
import { startTelemetryLoop } from './telemetry-loop.js';
import { TelemetryBuffer } from './telemetry-buffer.js';

const logger = pino({ base: { service: 'edge-agent' }, level: process.env.LOG_LEVEL ?? 'info' });
const clock = { now: () => performance.now(), wallNow: () => Date.now() };

try {
  const config = readEdgeAgentConfig(process.env);
  // The model runs on its own thread, as the Orin's GPU runs beside its CPU: batches never hold the loop that
  // serves requests and times the link (thread-model.ts).
  const model = new ThreadModel(modelSettingsFromEnv({ ...process.env, MODEL_MANIFEST: config.modelManifest ?? '' }), {
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
  });
  await model.load();
  const telemetry = new TelemetryBuffer();
  const loopStalls = new LoopStalls(clock.now);
  const { app } = createEdgeAgentApp({
    loopStalls,
    model,
    verifier: config.secret ? new RequestVerifier(config.secret) : null,
    clock,
    telemetry,
    limits: config,
    logger,
  });
  if (!config.secret) logger.warn('No EDGE_SECRET: batches are accepted unsigned (allowed on loopback only)');
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const batchUrl = defaultPublicUrl(config, port);
  logger.info(`Edge agent listening on ${config.host}:${port}, serving ${model.name} on ${model.provider}; batch URL ${batchUrl}`);

  const loop =
    config.schedulerUrl && config.secret
      ? startTelemetryLoop({ config: { ...config, schedulerUrl: config.schedulerUrl, secret: config.secret }, identity: { agentId: config.agentId ?? batchUrl, batchUrl }, telemetry, clock, logger, loopStalls })
      : undefined;
  if (!loop) logger.info('No SCHEDULER_URL: running stand-alone, no telemetry');

  const stop = async () => {
    server.close();
    await loop?.stop();
    await model.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  logger.fatal((error as Error).message);
  process.exitCode = 1;
}
