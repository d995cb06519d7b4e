/**
 * Where the core's error vocabulary becomes HTTP, for every server in the repo (the scheduler, the edge agent,
 * the local inference server and the FC inference handler): `{ error: { code, message } }` with the status of
 * its code, and Retry-After on refusals that may succeed later. The core never picks a status itself.
 */
import { EngineError, type ErrorCode } from '../../shared/core/errors.js';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  // Well-formed but unsatisfiable: the request is understood, and repeating it unchanged cannot succeed.
  infeasible: 422,
  queue_full: 429,
  throttled: 429,
  internal: 500,
  lane_failed: 502,
  no_lane: 503,
  store_unavailable: 503,
  deadline_exceeded: 504,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** True when the caller can fix the request (4xx); false for the server's own faults and its lanes' (5xx). */
export function blamesCaller(code: ErrorCode): boolean {
  return HTTP_STATUS[code] < 500;
}

export interface ErrorResponseOptions {
  /** Called with every internal fault (an error that is not an EngineError, or one with code `internal`). */
  readonly onInternal?: (error: unknown) => void;
  /** What a client reads for an error that is not an EngineError; its details stay in the log. */
  readonly internalMessage?: string;
  /**
   * The request body was not (all) read: close the connection after the answer, so that the client does not
   * reuse a socket that still carries the rest of the refused body.
   */
  readonly closeConnection?: boolean;
}

export function errorResponse(error: unknown, options: ErrorResponseOptions = {}): Response {
  const engineError =
    error instanceof EngineError ? error : new EngineError('internal', options.internalMessage ?? 'Internal error; see the server log with this request id');
  if (engineError.code === 'internal') options.onInternal?.(error);
  const status = httpStatusOf(engineError.code);
  const headers: Record<string, string> = options.closeConnection ? { connection: 'close' } : {};
  if (engineError.retryAfterMs !== undefined || status === 429 || status === 503) {
    headers['retry-after'] = String(Math.max(1, Math.ceil((engineError.retryAfterMs ?? 1000) / 1000)));
  }
  return Response.json(engineError.toJSON(), { status, headers });
}
