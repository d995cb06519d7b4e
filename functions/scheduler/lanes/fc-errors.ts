/**
 * What a failed InvokeFunction means for the engine. `@alicloud/openapi-core` turns an HTTP status >= 400 with a
 * JSON body `{Code, Message, RequestId}` into ThrottlingError (Code contains "Throttling"), ClientError (4xx)
 * or ServerError (5xx); network failures surface as plain errors with a Node `code`. A function that itself
 * failed answers with an `x-fc-error-type` header instead (mapped where the response is read, fc-invoker.ts).
 *
 * Each failure gets an EngineError plus whether the invoker may try the same call again while the deadline
 * allows: throttling, 5xx and network trouble are worth a retry; a refused request or missing permission is not.
 */
import { EngineError } from '../../../shared/core/errors.js';

/** A failure and whether to retry it on the same function. */
export interface MappedFailure {
  readonly error: EngineError;
  readonly retrySameLane: boolean;
  /** Server's hint (ms), from a throttling answer. */
  readonly retryAfterMs?: number;
}

/** The fields of the SDK's AlibabaCloudError family we rely on (read defensively: errors are `unknown`). */
interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
  readonly requestId?: unknown;
  readonly retryAfter?: unknown;
}

/** Node's codes for a connection that failed or broke: the call may not have reached FC, or its answer was lost. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

/**
 * FC's codes for "too busy right now": the concurrency limit (429 ResourceExhausted) and the instance quota
 * (503 ResourceThrottled), per the FC error-code table; any code mentioning throttling is treated alike.
 */
function isThrottling(code: string, status: number | undefined): boolean {
  return status === 429 || /throttl/i.test(code) || code === 'ResourceExhausted';
}

function describe(shape: SdkErrorShape, functionName: string): string {
  const code = typeof shape.code === 'string' && shape.code !== 'undefined' ? shape.code : 'Error';
  const status = typeof shape.statusCode === 'number' ? ` ${shape.statusCode}` : '';
  const requestId = typeof shape.requestId === 'string' && shape.requestId !== 'undefined' ? ` (request ${shape.requestId})` : '';
  // The SDK decorates FC's message as "<Code>: code: <status>, <Message> request id: <id>": keep <Message>.
  const message = (typeof shape.message === 'string' ? shape.message : String(shape.message))
    .replace(`${code}: `, '')
    .replace(/^code: \d+, /, '')
    .replace(/ request id: \S*$/, '');
  return `Function Compute ${functionName}: ${code}${status}: ${message}${requestId}`;
}

/** Maps an error thrown by the SDK's invokeFunctionWithOptions (not a deadline: the invoker handles that). */
export function mapInvokeError(err: unknown, functionName: string): MappedFailure {
  const shape: SdkErrorShape = typeof err === 'object' && err !== null ? (err as SdkErrorShape) : { message: String(err) };
  const code = typeof shape.code === 'string' ? shape.code : '';
  const status = typeof shape.statusCode === 'number' ? shape.statusCode : undefined;
  const text = describe(shape, functionName);

  if (isThrottling(code, status) || shape.name === 'ThrottlingError') {
    // openapi-core reads a retry hint from the response headers (seconds or ms, depending on the header).
    const retryAfterMs = typeof shape.retryAfter === 'number' && shape.retryAfter > 0 ? shape.retryAfter : undefined;
    return { error: new EngineError('throttled', text, retryAfterMs ?? 1000, true), retrySameLane: true, ...(retryAfterMs ? { retryAfterMs } : {}) };
  }
  if (status !== undefined && status >= 500) {
    return { error: new EngineError('lane_failed', text, undefined, true), retrySameLane: true };
  }
  if (status !== undefined && status >= 400) {
    // The batch itself was refused (EntityTooLarge, InvalidArgument): sending it again anywhere is pointless.
    if (status === 400 || status === 413) return { error: new EngineError('invalid_input', text), retrySameLane: false };
    // 401/403 (AccessDenied, SignatureNotMatch, InvalidAccessKeyID, expired STS token) and 404 (function not
    // deployed) are the scheduler's own misconfiguration, not the client's: surfacing them as 401/403 would
    // tell the client its credentials are wrong. So: the lane failed, the other lane may still serve.
    return { error: new EngineError('lane_failed', text, undefined, true), retrySameLane: false };
  }
  const nodeCode = typeof shape.code === 'string' ? shape.code : '';
  const cause = (shape as { cause?: { code?: unknown } }).cause;
  const causeCode = typeof cause?.code === 'string' ? cause.code : '';
  if (NETWORK_CODES.has(nodeCode) || NETWORK_CODES.has(causeCode) || /socket hang up|network|ECONN/i.test(String(shape.message))) {
    return { error: new EngineError('lane_failed', text, undefined, true), retrySameLane: true };
  }
  return { error: new EngineError('lane_failed', text, undefined, true), retrySameLane: false };
}

/**
 * A body the function returned instead of a BatchResponse: the inference handler answers bad input with
 * `{error: {code, message}}` (a returned value, so FC sets no x-fc-error-type).
 */
export function mapHandlerErrorBody(body: unknown, functionName: string): EngineError | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const inner = (body as { error: unknown }).error;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { code, message } = inner as { code?: unknown; message?: unknown };
  const text = `Function Compute ${functionName} refused the batch: ${String(code)}: ${String(message)}`;
  if (code === 'invalid_input' || code === 'payload_too_large' || code === 'unsupported_media_type') return new EngineError('invalid_input', text);
  return new EngineError('lane_failed', text, undefined, true);
}

/** The function ran and failed (x-fc-error-type: UnhandledInvocationError, a timeout, out of memory...). */
export function functionError(errorType: string, body: string, functionName: string): EngineError {
  let detail = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { errorMessage?: unknown; errorType?: unknown };
    if (typeof parsed.errorMessage === 'string') detail = `${String(parsed.errorType ?? 'Error')}: ${parsed.errorMessage}`;
  } catch {
    // not JSON: keep the raw start of the body
  }
  return new EngineError('lane_failed', `Function Compute ${functionName} failed (${errorType}): ${detail}`, undefined, true);
}
