/**
 * The batch wire format, the same for the edge agent and the inference function (`POST /v1/batch`, or the
 * InvokeFunction payload). Binary-safe, no base64 inflation:
 *
 *   "EBB1" | u32 big-endian header length H | H bytes of UTF-8 JSON BatchHeader | item bytes, concatenated
 *
 * The answer is JSON (BatchResponse): results are small, one per item, in the items' order.
 */
import { EngineError, expected } from '../core/errors.js';

export const BATCH_CONTENT_TYPE = 'application/vnd.edgebatch.batch';
/**
 * Set (to "1") on a batch that does not measure the edge's link, such as calibration, which may reach the agent
 * by a direct path: the agent then leaves its transfer out of the bandwidth it reports.
 */
export const NO_LINK_SAMPLE_HEADER = 'x-edgebatch-no-link-sample';
const MAGIC = [0x45, 0x42, 0x42, 0x31]; // "EBB1"
const PREFIX_BYTES = 8;
export const MAX_HEADER_BYTES = 256 * 1024;
export const MAX_BATCH_ITEMS = 1024;

export interface BatchItemHeader {
  readonly id: string;
  readonly contentType: string;
  readonly bytes: number;
}

export interface BatchHeader {
  readonly batchId: string;
  /** Scheduler clock when the batch left, so the receiver can report transfer time against its own receipt. */
  readonly sentAtMs: number;
  readonly items: readonly BatchItemHeader[];
}

export interface BatchItem {
  readonly id: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

export interface DecodedBatch {
  readonly batchId: string;
  readonly sentAtMs: number;
  readonly items: readonly BatchItem[];
}

export interface Label {
  readonly label: string;
  readonly score: number;
}

export type ItemResult =
  | { readonly id: string; readonly ok: true; readonly labels: readonly Label[] }
  | { readonly id: string; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export interface BatchTimings {
  /** Decoding and preprocessing all images. */
  readonly preprocessMs: number;
  /** The one model call for the whole batch. */
  readonly inferMs: number;
  /** From receipt of the whole body to the answer. */
  readonly totalMs: number;
}

export interface BatchResponse {
  readonly batchId: string;
  readonly model: string;
  readonly results: readonly ItemResult[];
  readonly timings: BatchTimings;
}

/**
 * A batch body as its parts: the prefix and header, then each item's bytes as they are (views, not copies). A
 * sender that writes the parts one after another (a socket's writev) never builds the whole body: for a batch of
 * images that is megabytes not allocated and copied per batch.
 */
export function encodeBatchParts(batchId: string, sentAtMs: number, items: readonly BatchItem[]): Uint8Array[] {
  const header: BatchHeader = {
    batchId,
    sentAtMs,
    items: items.map((item) => ({ id: item.id, contentType: item.contentType, bytes: item.data.byteLength })),
  };
  const headerJson = Buffer.from(JSON.stringify(header), 'utf8');
  const head = new Uint8Array(PREFIX_BYTES + headerJson.byteLength);
  head.set(MAGIC, 0);
  new DataView(head.buffer).setUint32(4, headerJson.byteLength, false);
  head.set(headerJson, PREFIX_BYTES);
  const parts: Uint8Array[] = [head];
  for (const item of items) parts.push(item.data);
  return parts;
}

/** The whole batch body in one buffer (encodeBatchParts joined). */
export function encodeBatch(batchId: string, sentAtMs: number, items: readonly BatchItem[]): Uint8Array<ArrayBuffer> {
  const parts = encodeBatchParts(batchId, sentAtMs, items);
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function bad(message: string): EngineError {
  return new EngineError('invalid_input', `Malformed batch: ${message}`);
}

function isNonEmptyString(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength;
}

function parseHeader(json: string): BatchHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw bad('header is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw bad(expected('a header object', raw));
  const { batchId, sentAtMs, items } = raw as Record<string, unknown>;
  if (!isNonEmptyString(batchId, 128)) throw bad(expected('batchId as a string of 1 to 128 characters', batchId));
  if (typeof sentAtMs !== 'number' || !Number.isFinite(sentAtMs)) throw bad(expected('sentAtMs as a number', sentAtMs));
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH_ITEMS) {
    throw bad(expected(`items as an array of 1 to ${MAX_BATCH_ITEMS} entries`, Array.isArray(items) ? `${items.length} entries` : items));
  }
  const seen = new Set<string>();
  const checked = items.map((item: unknown, index): BatchItemHeader => {
    const { id, contentType, bytes } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (!isNonEmptyString(id, 128)) throw bad(`items[${index}].id: ${expected('a string of 1 to 128 characters', id)}`);
    if (seen.has(id)) throw bad(`items[${index}].id "${id}" appears twice`);
    seen.add(id);
    if (!isNonEmptyString(contentType, 100)) throw bad(`items[${index}].contentType: ${expected('a media type', contentType)}`);
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) {
      throw bad(`items[${index}].bytes: ${expected('a non-negative integer', bytes)}`);
    }
    return { id, contentType, bytes };
  });
  return { batchId, sentAtMs, items: checked };
}

/** Decodes and checks a batch body; any defect is a 400 EngineError naming it. Item data are views, not copies. */
export function decodeBatch(body: Uint8Array): DecodedBatch {
  if (body.byteLength < PREFIX_BYTES) throw bad(`body of ${body.byteLength} bytes is shorter than the 8-byte prefix`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (body[i] !== MAGIC[i]) throw bad('it does not start with "EBB1"');
  }
  const headerLength = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(4, false);
  if (headerLength > MAX_HEADER_BYTES || PREFIX_BYTES + headerLength > body.byteLength) {
    throw bad(`header length ${headerLength} does not fit in a body of ${body.byteLength} bytes`);
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
  } catch {
    throw bad('header is not UTF-8');
  }
  const header = parseHeader(json);
  const dataBytes = header.items.reduce((sum, item) => sum + item.bytes, 0);
  const expectedLength = PREFIX_BYTES + headerLength + dataBytes;
  if (expectedLength !== body.byteLength) {
    throw bad(`header announces ${expectedLength} bytes in all, body has ${body.byteLength}`);
  }
  let offset = PREFIX_BYTES + headerLength;
  const items = header.items.map((item) => {
    const data = body.subarray(offset, offset + item.bytes);
    offset += item.bytes;
    return { id: item.id, contentType: item.contentType, data };
  });
  return { batchId: header.batchId, sentAtMs: header.sentAtMs, items };
}

/** Checks a BatchResponse received from a lane against the batch that was sent. */
export function parseBatchResponse(raw: unknown, sentIds: readonly string[]): BatchResponse {
  const fail = (message: string) => new EngineError('lane_failed', `Malformed batch response: ${message}`, undefined, true);
  if (typeof raw !== 'object' || raw === null) throw fail(expected('an object', raw));
  const response = raw as Partial<BatchResponse>;
  if (!Array.isArray(response.results) || response.results.length !== sentIds.length) {
    throw fail(`expected ${sentIds.length} results, got ${Array.isArray(response.results) ? response.results.length : typeof response.results}`);
  }
  response.results.forEach((result, index) => {
    if (result?.id !== sentIds[index]) throw fail(`result ${index} is for "${String(result?.id)}", expected "${sentIds[index]}"`);
  });
  const timings = response.timings;
  if (!timings || typeof timings.inferMs !== 'number' || typeof timings.totalMs !== 'number') throw fail('timings missing');
  return response as BatchResponse;
}
