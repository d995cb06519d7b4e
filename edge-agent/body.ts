/**
 * Reads a request body under a byte limit, counting while it streams (a lying or absent content-length cannot
 * get more through), and times it: the bytes after the first chunk over the time from the first to the last
 * chunk is the link's throughput, without the request's round trip and server start-up in it. The timing goes to
 * `onTiming`, the one way to get it, so a body cut off part way is timed as a whole one is.
 */
import { EngineError } from '../shared/core/errors.js';
import type { BodyTiming } from './transfer-pool.js';

export interface TimedBody {
  readonly body: Uint8Array;
  /** When the last byte arrived (the caller's monotonic clock). */
  readonly receivedAtMs: number;
}

export function tooLarge(maxBytes: number): EngineError {
  return new EngineError('payload_too_large', `Batch body over the limit of ${maxBytes} bytes`);
}

/**
 * @param onTiming called once when reading ends, however it ends (done, cut off by the sender, over the limit),
 *   with the bytes after the first chunk and when they were read: what crossed the link is a measurement even
 *   when the body is never whole.
 */
export async function readTimedBody(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  now: () => number,
  onTiming?: (timing: BodyTiming) => void,
): Promise<TimedBody> {
  if (!stream) {
    return { body: new Uint8Array(0), receivedAtMs: now() };
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let firstAt = 0;
  let firstBytes = 0;
  let lastAt = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const at = now();
      if (chunks.length === 0) {
        firstAt = at;
        firstBytes = value.byteLength;
      }
      lastAt = at;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    if (chunks.length > 0) onTiming?.({ bytes: total - firstBytes, startMs: firstAt, endMs: lastAt });
  }
  const body = chunks.length === 1 ? chunks[0]! : new Uint8Array(total);
  if (chunks.length > 1) {
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
  }
  return { body, receivedAtMs: chunks.length > 0 ? lastAt : now() };
}
