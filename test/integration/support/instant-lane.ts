/**
 * A lane stand-in that answers every batch at once with a fixed label per item: what the scheduler's overhead
 * bench and the scale-out test put behind EDGE_URLS / INFERENCE_URL so that the scheduler, not the model, is
 * what they exercise. It decodes the real batch wire format (so a malformed batch still fails loudly) and
 * serves /healthz like the real agent. Run as a script it listens on PORT (0: any) and prints
 * `INSTANT_LANE_LISTENING <port>`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { decodeBatch, type BatchResponse } from '../../../shared/protocol/batch.js';

export interface InstantLane {
  readonly url: string;
  /** Batches and items answered so far. */
  readonly counts: { batches: number; items: number };
  close(): Promise<void>;
}

export function instantLaneApp(counts: { batches: number; items: number }): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.post('/v1/batch', async (c) => {
    const receivedAt = performance.now();
    const batch = decodeBatch(new Uint8Array(await c.req.arrayBuffer()));
    counts.batches += 1;
    counts.items += batch.items.length;
    const response: BatchResponse = {
      batchId: batch.batchId,
      model: 'instant-stand-in',
      results: batch.items.map((item) => ({ id: item.id, ok: true, labels: [{ label: '0', score: 1 }] })),
      // Its real (tiny) handling time, so that calibrating it fits a profile rather than a degenerate all-zero one.
      timings: { preprocessMs: 0, inferMs: 0, totalMs: performance.now() - receivedAt },
    };
    return c.json(response);
  });
  return app;
}

export function startInstantLane(port = 0): Promise<InstantLane> {
  const counts = { batches: 0, items: 0 };
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch: instantLaneApp(counts).fetch, hostname: '127.0.0.1', port }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}/v1/batch`,
        counts,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const lane = await startInstantLane(Number(process.env.PORT ?? 0));
  console.log(`INSTANT_LANE_LISTENING ${new URL(lane.url).port}`);
}
