/**
 * One error vocabulary on the wire: `{ error: { code, message } }` with the status of its code, and Retry-After
 * on 429. Anything that is not an EngineError is an internal error whose details stay in the log.
 */
import type { Context } from 'hono';
import { EngineError } from '../../shared/core/errors.js';

export function errorResponse(c: Context, error: unknown, onInternal?: (error: unknown) => void): Response {
  const engineError =
    error instanceof EngineError ? error : new EngineError('internal', 'Internal error; see the scheduler log with this request id');
  if (!(error instanceof EngineError)) onInternal?.(error);
  const headers: Record<string, string> = {};
  if (engineError.status === 429 || engineError.status === 503) {
    headers['retry-after'] = String(Math.max(1, Math.ceil((engineError.retryAfterMs ?? 1000) / 1000)));
  }
  return c.json(engineError.toJSON(), engineError.status as 400, headers);
}
