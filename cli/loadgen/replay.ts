/**
 * Replays arrival instants against a running scheduler: each arrival POSTs one real image to /v1/infer at its
 * time (relative to the start), and every answer is recorded. Bounded: it stops sending at the end of the
 * trace or `durationMs`, and waits for the answers still out at most `drainMs`.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestImage } from './images.js';

export interface ReplayRecord {
  readonly sentAtMs: number;
  readonly latencyMs: number;
  readonly status: number;
  readonly placement?: string;
  readonly batchSize?: number;
  readonly errorCode?: string;
  /** The error's message (it names the lane whose call ran out of time, for instance). */
  readonly errorMessage?: string;
  readonly timings?: { queueMs: number; transferMs: number; inferenceMs: number; totalMs: number };
}

export interface ReplayOptions {
  readonly url: string;
  readonly arrivalsMs: Float64Array;
  readonly images: readonly RequestImage[];
  readonly durationMs: number;
  /** How long to wait for answers after the last request was sent. */
  readonly drainMs: number;
  /** Client-side timeout per request. */
  readonly requestTimeoutMs: number;
  readonly onRecord?: (record: ReplayRecord) => void;
  /** Called about once a second with (sent, total). */
  readonly onProgress?: (sent: number, total: number) => void;
}

async function send(options: ReplayOptions, image: RequestImage, startedAt: number): Promise<ReplayRecord> {
  const sentAtMs = performance.now() - startedAt;
  try {
    const response = await fetch(new URL('/v1/infer', options.url), {
      method: 'POST',
      headers: { 'content-type': image.contentType },
      body: image.data,
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const latencyMs = performance.now() - startedAt - sentAtMs;
    if (response.ok) {
      return {
        sentAtMs,
        latencyMs,
        status: response.status,
        placement: body.placement as string,
        batchSize: body.batchSize as number,
        timings: body.timings as ReplayRecord['timings'],
      };
    }
    const error = body.error as { code?: string; message?: string } | undefined;
    const errorCode = error?.code ?? `http_${response.status}`;
    return { sentAtMs, latencyMs, status: response.status, errorCode, ...(typeof error?.message === 'string' ? { errorMessage: error.message } : {}) };
  } catch (error) {
    const name = (error as Error).name;
    return { sentAtMs, latencyMs: performance.now() - startedAt - sentAtMs, status: 0, errorCode: name === 'TimeoutError' ? 'client_timeout' : 'connection_error' };
  }
}

export async function replay(options: ReplayOptions): Promise<ReplayRecord[]> {
  const { arrivalsMs, images, durationMs } = options;
  const total = arrivalsMs.findIndex((t) => t >= durationMs) === -1 ? arrivalsMs.length : arrivalsMs.findIndex((t) => t >= durationMs);
  const records: ReplayRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  let lastProgress = 0;
  for (let i = 0; i < total; i++) {
    const dueMs = arrivalsMs[i]!;
    const aheadMs = dueMs - (performance.now() - startedAt);
    if (aheadMs > 1) await sleep(aheadMs);
    const pending = send(options, images[i % images.length]!, startedAt).then((record) => {
      records.push(record);
      options.onRecord?.(record);
    });
    inFlight.add(pending);
    void pending.finally(() => inFlight.delete(pending));
    const nowMs = performance.now() - startedAt;
    if (options.onProgress && nowMs - lastProgress >= 1000) {
      lastProgress = nowMs;
      options.onProgress(i + 1, total);
    }
  }
  await Promise.race([Promise.all(inFlight), sleep(options.drainMs)]);
  return records;
}
