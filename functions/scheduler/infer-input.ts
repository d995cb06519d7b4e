/**
 * Turns a `POST /v1/infer` request into a SubmitInput: a raw image body with an image content type, or JSON
 * `{ image: <base64>, contentType?, deadlineMs?, priority? }`. Type, size and pixel count are checked here, before
 * anything is queued; the body-size limit is enforced earlier, while the body streams in.
 */
import { EngineError, expected } from '../../shared/core/errors.js';
import type { Priority } from '../../shared/core/types.js';
import { checkImage, IMAGE_CONTENT_TYPES, readImageHeader } from '../../shared/protocol/image-header.js';
import type { SubmitInput } from './engine/scheduler-engine.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface InferLimits {
  readonly maxPixels: number;
  readonly defaultPriority: Priority;
}

function parsePriority(raw: unknown, fallback: Priority): Priority {
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === 'high' || raw === 'low') return raw;
  throw new EngineError('invalid_input', `priority: ${expected('"high" or "low"', raw)}`);
}

function parseDeadline(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 3_600_000) {
    throw new EngineError('invalid_input', `deadlineMs: ${expected('a number of milliseconds between 0 and 3600000', raw)}`);
  }
  return value;
}

function decodeBase64(raw: unknown): Uint8Array {
  if (typeof raw !== 'string' || raw.length === 0) throw new EngineError('invalid_input', `image: ${expected('a base64 string', raw)}`);
  const compact = raw.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new EngineError('invalid_input', 'image: Expected valid base64 (A-Z, a-z, 0-9, +, /, = padding), got malformed text');
  }
  return Buffer.from(compact, 'base64');
}

export function parseInferRequest(
  contentType: string,
  body: Uint8Array,
  headers: { priority?: string; deadlineMs?: string },
  limits: InferLimits,
): SubmitInput {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body));
    } catch {
      throw new EngineError('invalid_input', 'Body is not valid JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new EngineError('invalid_input', expected('a JSON object', json));
    const fields = json as Record<string, unknown>;
    const unknownKeys = Object.keys(fields).filter((key) => !['image', 'contentType', 'deadlineMs', 'priority'].includes(key));
    if (unknownKeys.length > 0) throw new EngineError('invalid_input', `Unknown field(s): ${unknownKeys.join(', ')}`);
    const data = decodeBase64(fields.image);
    // Without a declared type, the bytes say what the image is.
    const imageType = fields.contentType ?? `image/${readImageHeader(data).format}`;
    if (typeof imageType !== 'string') throw new EngineError('invalid_input', `contentType: ${expected('a string', imageType)}`);
    checkImage(data, imageType, limits.maxPixels);
    const deadlineMs = parseDeadline(fields.deadlineMs);
    return { data, contentType: imageType, priority: parsePriority(fields.priority, limits.defaultPriority), ...(deadlineMs ? { deadlineMs } : {}) };
  }
  if (!(mediaType in IMAGE_CONTENT_TYPES)) {
    throw new EngineError(
      'unsupported_media_type',
      `Expected an image content type (${Object.keys(IMAGE_CONTENT_TYPES).join(', ')}) or application/json, got "${contentType || 'none'}"`,
    );
  }
  checkImage(body, mediaType, limits.maxPixels);
  const deadlineMs = parseDeadline(headers.deadlineMs);
  return { data: body, contentType: mediaType, priority: parsePriority(headers.priority, limits.defaultPriority), ...(deadlineMs ? { deadlineMs } : {}) };
}
