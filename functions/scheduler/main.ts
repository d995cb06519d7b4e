/**
 * The scheduler process: FC's custom runtime starts it (s.yaml), `npm run scheduler` runs it locally.
 * Configuration comes from the environment and CONFIG_FILE, validated once; a bad one stops the start with
 * every problem listed.
 */
import { serve } from '@hono/node-server';
import { loadSchedulerConfig } from '../../shared/protocol/config-load.js';
import { createScheduler } from './create-scheduler.js';

const loaded = loadSchedulerConfig({ env: process.env });
if (!loaded.ok) {
  console.error(`Invalid scheduler configuration:\n${loaded.errors.map((error) => `  - ${error}`).join('\n')}`);
  process.exit(2);
}
const config = loaded.config;
const scheduler = await createScheduler(config, { env: process.env });
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
  server.close();
  await scheduler.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
