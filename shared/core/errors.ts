/**
 * The engine's one error vocabulary. Every HTTP answer that is not a result is `{ error: { code, message } }`
 * with the status below (DESIGN section 3); lanes, stores and the CLI throw these codes too.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  queue_full: 429,
  throttled: 429,
  internal: 500,
  lane_failed: 502,
  no_lane: 503,
  store_unavailable: 503,
  deadline_exceeded: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For 429 (Retry-After) and for retryable lane failures. */
    readonly retryAfterMs?: number,
    /** Whether trying the same thing again (or on the other lane) may succeed. */
    readonly retryable = false,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
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
