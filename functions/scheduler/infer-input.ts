/**
 * Turns a `POST /v1/infer` request into a SubmitInput: a raw image body with an image content type, or JSON
 * `{ image: <base64>, contentType?, deadlineMs?, priority? }`. The JSON body is validated by
 * InferJsonRequestSchema, the same definition the OpenAPI document is generated from, so the two cannot
 * disagree. Type, size and pixel count are checked here, before anything is queued; the body-size limit is
 * enforced earlier, while the body streams in.
 */
import type { z } from 'zod';
import { EngineError } from '../../shared/core/errors.js';
import type { Priority } from '../../shared/core/types.js';
import { formatIssuePath, safeParseFormatted } from '../../shared/protocol/config-issues.js';
import { DeadlineMsSchema, InferJsonRequestSchema, PrioritySchema } from '../../shared/protocol/http-schemas.js';
import { checkImage, IMAGE_CONTENT_TYPES, readImageHeader } from '../../shared/protocol/image-header.js';
import type { SubmitInput } from './engine/scheduler-engine.js';

export interface InferLimits {
  readonly maxPixels: number;
  readonly defaultPriority: Priority;
}

/** The schema's verdict on one value, or invalid_input naming every problem ("<field>: Expected X, got Y"). */
function validated<S extends z.ZodType>(schema: S, value: unknown, field?: string): z.output<S> {
  // The plain parse is zod's fast path; only a refusal is parsed again, keeping each bad value to say "got Y".
  const quick = schema.safeParse(value);
  if (quick.success) return quick.data;
  const result = safeParseFormatted(schema, value, (path) => (path.length === 0 && field ? field : formatIssuePath(path)));
  throw new EngineError('invalid_input', result.ok ? `${field ?? 'body'}: Expected a valid value` : result.errors.join('; '));
}

/** A raw body's headers, through the same field schemas as the JSON body's fields. */
function headerPriority(raw: string | undefined, fallback: Priority): Priority {
  if (raw === undefined || raw === '') return fallback;
  // The schema's own list of values first: a valid header costs a lookup, not a parse, on every request.
  if ((PrioritySchema.options as readonly string[]).includes(raw)) return raw as Priority;
  return validated(PrioritySchema, raw, 'x-priority');
}

function headerDeadline(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return validated(DeadlineMsSchema, Number.isNaN(value) ? raw : value, 'x-deadline-ms');
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
    const request = validated(InferJsonRequestSchema, json);
    const data = Buffer.from(request.image, 'base64');
    // Without a declared type, the bytes say what the image is.
    const imageType = request.contentType ?? `image/${readImageHeader(data).format}`;
    checkImage(data, imageType, limits.maxPixels);
    const priority = request.priority ?? limits.defaultPriority;
    return { data, contentType: imageType, priority, ...(request.deadlineMs ? { deadlineMs: request.deadlineMs } : {}) };
  }
  if (!(mediaType in IMAGE_CONTENT_TYPES)) {
    throw new EngineError(
      'unsupported_media_type',
      `Expected an image content type (${Object.keys(IMAGE_CONTENT_TYPES).join(', ')}) or application/json, got "${contentType || 'none'}"`,
    );
  }
  checkImage(body, mediaType, limits.maxPixels);
  const deadlineMs = headerDeadline(headers.deadlineMs);
  return { data: body, contentType: mediaType, priority: headerPriority(headers.priority, limits.defaultPriority), ...(deadlineMs ? { deadlineMs } : {}) };
}
