/**
 * `npm run inference`: the inference function served over HTTP on this machine, for the local stack and for
 * `edgebatch calibrate --serverless`. `POST /v1/batch` takes the same body as the FC function and answers its
 * JSON (with the status of any error), `GET /healthz` says whether the model is loaded.
 *
 * Environment: PORT (default 9100), HOST (default 127.0.0.1: the function is private in the cloud, so the local
 * stand-in listens on loopback unless told otherwise), MODEL_MANIFEST, MAX_IMAGE_PIXELS, MAX_BATCH_BYTES
 * (default 32 MB, FC's synchronous payload limit).
 */
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { modelRunnerFromEnv } from '../../shared/model/runner.js';
import { intEnv } from '../../shared/protocol/env-int.js';
import { createInferenceApp } from './local-app.js';

const logger = pino({ base: { service: 'inference' } });
try {
  const port = intEnv(process.env, 'PORT', 9100, 0, 65_535);
  const hostname = process.env.HOST || '127.0.0.1';
  const maxBodyBytes = intEnv(process.env, 'MAX_BATCH_BYTES', 32 * 1024 * 1024, 1, 2 ** 31);
  const model = modelRunnerFromEnv(process.env, { info: (m) => logger.info(m), warn: (m) => logger.warn(m) });
  await model.load();
  const app = createInferenceApp({ model, maxBodyBytes, logger });
  const server = serve({ fetch: app.fetch, port, hostname }, (info) => logger.info(`Inference function listening on http://${hostname}:${info.port}/v1/batch`));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  logger.fatal((error as Error).message);
  process.exitCode = 1;
}
