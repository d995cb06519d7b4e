/**
 * The core's one error vocabulary. It says what went wrong in the core's own terms; which HTTP status or exit
 * code that becomes is decided only by the adapters (functions/scheduler/http-errors.ts for the HTTP servers,
 * cli/edgebatch.ts for exit codes), so the core never speaks HTTP.
 *
 * Which code to throw:
 * - `invalid_input`: a value from outside the core's own computations (a request, a configuration value, a file,
 *   a record read back from a store, a caller's options) is malformed or out of range. The caller can fix it.
 * - `infeasible`: well-formed input that asks for something no plan can give (an SLO below the fastest lane).
 * - `internal`: a precondition that the core's own computations guarantee did not hold: a bug, never the
 *   caller's fault, whatever value triggered it.
 * - the rest name outcomes of serving a request: refused credentials, a full queue, a failed lane, a missed
 *   deadline, an unavailable store.
 */
export const ERROR_CODES = [
  'invalid_input',
  'infeasible',
  'internal',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'queue_full',
  'throttled',
  'lane_failed',
  'no_lane',
  'store_unavailable',
  'deadline_exceeded',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For refusals that may succeed later (Retry-After) and for retryable lane failures. */
    readonly retryAfterMs?: number,
    /** Whether trying the same thing again (or on the other lane) may succeed. */
    readonly retryable = false,
  ) {
    super(message);
  }

  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** "Expected X, got Y" with Y shown compactly, for every validation message. */
export function expected(what: string, got: unknown): string {
  let shown: string;
  try {
    shown = typeof got === 'string' ? JSON.stringify(got) : (JSON.stringify(got) ?? String(got));
  } catch {
    shown = String(got);
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return `Expected ${what}, got ${shown}`;
}
