/**
 * The scheduler process: FC's custom runtime starts it (s.yaml), `npm run scheduler` runs it locally.
 * Configuration comes from the environment and CONFIG_FILE, validated once; a bad one stops the start with
 * every problem listed. Two process-level switches, outside the config schema because they concern how this
 * process talks to its terminal and disk, not how it schedules:
 *   PROFILES_FILE   latency profiles to start from (from `edgebatch fit` or `edgebatch calibrate`) when the
 *                   state store holds none;
 *   PROTOTYPE_LOG=1 print the prototype's human-readable log on stdout (JSON logs then go to stderr).
 */
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { parseProfiles } from '../../shared/core/profiles/profiles-format.js';
import { loadSchedulerConfig } from '../../shared/protocol/config-load.js';
import { configSecretValues } from '../../shared/protocol/config-redact.js';
import { createScheduler } from './create-scheduler.js';
import { createLogger } from './ops/logger.js';
import { prototypeLog } from './prototype-log.js';

const loaded = loadSchedulerConfig({ env: process.env });
if (!loaded.ok) {
  console.error(`Invalid scheduler configuration:\n${loaded.errors.map((error) => `  - ${error}`).join('\n')}`);
  process.exit(2);
}
const config = loaded.config;
const humanLog = process.env.PROTOTYPE_LOG === '1';
const logger = createLogger({
  level: config.logging.level,
  secrets: configSecretValues(config),
  destination: pino.destination({ dest: humanLog ? 2 : 1, sync: false }),
});
const profilesFile = process.env.PROFILES_FILE;
const scheduler = await createScheduler(config, {
  env: process.env,
  logger,
  ...(profilesFile ? { profiles: parseProfiles(readFileSync(profilesFile, 'utf8'), profilesFile) } : {}),
  ...(humanLog ? { observer: prototypeLog((line) => process.stdout.write(`${line}\n`)) } : {}),
});
const server = serve({ fetch: scheduler.app.fetch, hostname: config.server.host, port: config.server.port }, (info) => {
  scheduler.logger.info({ host: config.server.host, port: info.port, store: config.store.kind }, 'scheduler listening');
  // The local stack reads this line to learn the port when PORT=0.
  if (process.env.EDGEBATCH_ANNOUNCE_PORT) console.log(`EDGEBATCH_LISTENING ${info.port}`);
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  scheduler.logger.info({ signal }, 'shutting down: answering queued requests, saving state');
  // A stalled store must not keep a stopped scheduler alive: state not saved by then is saved by the next one.
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close();
  await scheduler.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
