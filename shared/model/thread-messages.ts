/** The messages between thread-model.ts and the model thread it starts (model-thread.ts). */
import type { ErrorCode } from '../core/errors.js';
import type { BatchResponse, DecodedBatch } from '../protocol/batch.js';
import type { ExecutionProvider } from './manifest.js';

/** What the thread is started with (modelSettingsFromEnv reads them from the environment). */
export interface ThreadSettings {
  /** A manifest file; the built-in default model when absent. */
  readonly manifestPath?: string;
  readonly maxPixels: number;
}

/** A batch as one buffer (moved to the thread, not copied per item) and where each item's bytes are in it. */
export interface PackedBatch {
  readonly batchId: string;
  readonly sentAtMs: number;
  readonly items: readonly { readonly id: string; readonly contentType: string; readonly offset: number; readonly bytes: number }[];
  readonly data: ArrayBuffer;
}

export type ThreadRequest = { readonly kind: 'load'; readonly id: number } | { readonly kind: 'run'; readonly id: number; readonly batch: PackedBatch };

export type ThreadReply =
  | { readonly kind: 'loaded'; readonly id: number; readonly name: string; readonly provider: ExecutionProvider }
  | { readonly kind: 'ran'; readonly id: number; readonly response: BatchResponse }
  | { readonly kind: 'failed'; readonly id: number; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn'; readonly message: string };

/** One copy of the batch's bytes into a fresh buffer, which the caller transfers to the thread. */
export function packBatch(batch: DecodedBatch): PackedBatch {
  const total = batch.items.reduce((sum, item) => sum + item.data.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  const items = batch.items.map((item) => {
    data.set(item.data, offset);
    const placed = { id: item.id, contentType: item.contentType, offset, bytes: item.data.byteLength };
    offset += item.data.byteLength;
    return placed;
  });
  return { batchId: batch.batchId, sentAtMs: batch.sentAtMs, items, data: data.buffer };
}

export function unpackBatch(packed: PackedBatch): DecodedBatch {
  const items = packed.items.map((item) => ({ id: item.id, contentType: item.contentType, data: new Uint8Array(packed.data, item.offset, item.bytes) }));
  return { batchId: packed.batchId, sentAtMs: packed.sentAtMs, items };
}
