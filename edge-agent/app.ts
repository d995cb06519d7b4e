/**
 * The edge agent's HTTP app: `POST /v1/batch` runs the model on a signed batch, `GET /healthz` reports the
 * model and the queue. Built from injected parts (model, clock, verifier, telemetry buffer) so tests serve it
 * on port 0 with the real model; main.ts wires the real ones.
 *
 * A batch is checked cheapest first, refusing as much as possible before reading the body: content type (415),
 * declared length (413), signature headers present (401); then the body is read under the limit (413), the
 * signature verified over it (401), the batch decoded (400), admitted to the model (429 when the queue is full)
 * and run.
 */
import { Hono } from 'hono';
import { EngineError } from '../shared/core/errors.js';
import { errorResponse } from '../functions/scheduler/http-errors.js';
import { BATCH_CONTENT_TYPE, decodeBatch, NO_LINK_SAMPLE_HEADER } from '../shared/protocol/batch.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, type RequestVerifier } from '../shared/protocol/auth.js';
import type { BatchModel } from '../shared/model/runner.js';
import { BatchGate } from './batch-gate.js';
import { readTimedBody, tooLarge } from './body.js';
import { TransferPool, type BodyTiming } from './transfer-pool.js';
import type { LoopStalls } from './loop-stalls.js';
import type { UpstreamClock } from './reporter.js';
import type { TelemetryBuffer } from './telemetry-buffer.js';

export interface EdgeAgentLimits {
  readonly maxBatchBytes: number;
  readonly concurrency: number;
  readonly maxQueuedBatches: number;
  /** Bytes of batch bodies pooled into one bandwidth sample (transfer-pool.ts). */
  readonly minTransferSampleBytes: number;
}

/** A pool holding less than a sample's bytes is reported anyway after this long (ms), so a dip shows promptly. */
const TRANSFER_POOL_MAX_AGE_MS = 1_000;

export interface EdgeAgentDeps {
  /** Its timings must use the same monotonic clock as `clock.now` (both performance.now in main.ts). */
  readonly model: BatchModel;
  /** null only for a stand-alone agent on loopback (see config.ts). */
  readonly verifier: RequestVerifier | null;
  readonly clock: UpstreamClock;
  readonly telemetry: TelemetryBuffer;
  readonly limits: EdgeAgentLimits;
  readonly logger?: { error(object: object, message: string): void };
  /** Stalls of the event loop, across which a body's timing is no bandwidth sample (loop-stalls.ts); absent: none watched. */
  readonly loopStalls?: LoopStalls;
}

export interface EdgeAgent {
  readonly app: Hono;
  readonly gate: BatchGate;
}

/** Refused before the body was (all) read: the connection closes after the answer (see ErrorResponseOptions). */
const refusedUnread = (error: EngineError) => errorResponse(error, { closeConnection: true });

export function createEdgeAgentApp(deps: EdgeAgentDeps): EdgeAgent {
  const { model, verifier, clock, telemetry, limits } = deps;
  const gate = new BatchGate(limits.concurrency, limits.maxQueuedBatches);
  const transfers = new TransferPool(limits.minTransferSampleBytes, TRANSFER_POOL_MAX_AGE_MS);
  const poolTiming = (timing: BodyTiming) => {
    if (deps.loopStalls?.stalledSince(timing.startMs)) return;
    const sample = transfers.add(timing, clock.wallNow());
    if (sample) telemetry.addBandwidth(sample);
  };
  const app = new Hono();

  app.get('/healthz', (c) =>
    c.json({ ok: model.loaded, model: model.name, running: gate.running, queued: gate.queued }, model.loaded ? 200 : 503),
  );

  app.post('/v1/batch', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== BATCH_CONTENT_TYPE) {
      return refusedUnread(new EngineError('unsupported_media_type', `Expected content type ${BATCH_CONTENT_TYPE}, got ${type || 'none'}`));
    }
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > limits.maxBatchBytes) return refusedUnread(tooLarge(limits.maxBatchBytes));
    const timestamp = c.req.header(TIMESTAMP_HEADER);
    const signature = c.req.header(SIGNATURE_HEADER);
    if (verifier && (!timestamp || !signature)) {
      return refusedUnread(new EngineError('unauthorized', `Missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER} header`));
    }

    // A full queue refuses before reading the body, so that uploads cannot pile up in memory behind it.
    if (gate.full) return refusedUnread(gate.busy());

    let release: (() => void) | undefined;
    try {
      const measuresLink = c.req.header(NO_LINK_SAMPLE_HEADER) !== '1';
      const timed = await readTimedBody(c.req.raw.body, limits.maxBatchBytes, () => clock.now(), measuresLink ? poolTiming : undefined);
      verifier?.verify({ method: 'POST', path: c.req.path, body: timed.body, timestamp, signature }, clock.wallNow());
      const batch = decodeBatch(timed.body);
      release = await gate.acquire();
      // The scheduler gives up on a batch at its deadline and closes the connection. Running it anyway would spend
      // the GPU on answers nobody reads while the batches behind it wait: under overload that turns every later
      // batch late too, so an abandoned one is dropped when its turn comes.
      if (c.req.raw.signal.aborted) throw new EngineError('deadline_exceeded', 'The scheduler abandoned this batch before it ran');
      const runStart = clock.now();
      const response = await model.runBatch(batch, { receivedAtMs: timed.receivedAtMs });
      // The latency profile wants service time, so the sample leaves out the wait for the gate.
      telemetry.addBatch({
        atMs: clock.wallNow(),
        batchSize: batch.items.length,
        preprocessMs: response.timings.preprocessMs,
        inferMs: response.timings.inferMs,
        totalMs: clock.now() - runStart,
      });
      return c.json(response);
    } catch (error) {
      return errorResponse(error, {
        closeConnection: error instanceof EngineError && error.code === 'payload_too_large',
        internalMessage: 'Batch failed inside the edge agent',
        onInternal: (fault) => deps.logger?.error({ err: fault }, 'Batch failed'),
      });
    } finally {
      release?.();
    }
  });

  app.notFound(() => errorResponse(new EngineError('not_found', 'Not found: this agent answers POST /v1/batch and GET /healthz')));
  return { app, gate };
}
