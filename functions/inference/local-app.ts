/** The Hono app behind `npm run inference` (local-main.ts), built from injected parts so tests run it on port 0. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { EngineError } from '../../shared/core/errors.js';
import { blamesCaller, errorResponse } from '../scheduler/http-errors.js';
import { BATCH_CONTENT_TYPE } from '../../shared/protocol/batch.js';
import type { BatchModel } from '../../shared/model/runner.js';
import { runInvocation } from './handler.js';

export interface InferenceAppDeps {
  readonly model: BatchModel;
  /** Largest batch body accepted (413 beyond it, before it is all read). */
  readonly maxBodyBytes: number;
  readonly logger?: { error(object: object, message: string): void };
}

export function createInferenceApp(deps: InferenceAppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: deps.model.loaded, model: deps.model.name }, deps.model.loaded ? 200 : 503));
  app.post(
    '/v1/batch',
    async (c, next) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== BATCH_CONTENT_TYPE) return errorResponse(new EngineError('unsupported_media_type', `Expected content type ${BATCH_CONTENT_TYPE}, got ${type || 'none'}`));
      await next();
    },
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: () => errorResponse(new EngineError('payload_too_large', `Batch body over the limit of ${deps.maxBodyBytes} bytes`)),
    }),
    async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      try {
        const result = await runInvocation(body, () => deps.model);
        return result.ok ? c.json(result.response) : errorResponse(result.error);
      } catch (error) {
        // runInvocation answers the caller's faults itself; one thrown past it is this server's own.
        const fault = error instanceof EngineError && blamesCaller(error.code) ? new EngineError('internal', error.message) : error;
        return errorResponse(fault, { internalMessage: 'Inference failed', onInternal: () => deps.logger?.error({ err: error }, 'Batch failed') });
      }
    },
  );
  app.notFound(() => errorResponse(new EngineError('not_found', 'Not found: this server answers POST /v1/batch and GET /healthz')));
  return app;
}

