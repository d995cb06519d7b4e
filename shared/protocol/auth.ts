/**
 * Request signing between the scheduler and its edge agents (telemetry, config changes, edge batches).
 *
 *   x-edgebatch-timestamp: <ms since epoch>
 *   x-edgebatch-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>\n<METHOD>\n<path>\n" + body)>
 *
 * The receiver refuses timestamps outside a window (default 5 min) and signatures it has already accepted
 * within that window (replays), and compares in constant time. The secret never leaves this module.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EngineError } from '../core/errors.js';

export const TIMESTAMP_HEADER = 'x-edgebatch-timestamp';
export const SIGNATURE_HEADER = 'x-edgebatch-signature';
export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60_000;
const MIN_SECRET_LENGTH = 16;

/** `body` whole, or as the parts it is sent in (the same bytes, one after another). */
function digest(secret: string, timestamp: string, method: string, path: string, body: Uint8Array | readonly Uint8Array[]): Buffer {
  const hmac = createHmac('sha256', secret).update(`${timestamp}\n${method.toUpperCase()}\n${path}\n`);
  if (body instanceof Uint8Array) hmac.update(body);
  else for (const part of body) hmac.update(part);
  return hmac.digest();
}

/** Checks a secret once, at start-up: a short secret is a configuration error, not a runtime one. */
export function assertUsableSecret(secret: string | undefined, name: string): asserts secret is string {
  if (!secret || secret.length < MIN_SECRET_LENGTH) {
    throw new EngineError('invalid_input', `${name}: Expected a secret of at least ${MIN_SECRET_LENGTH} characters, got ${secret ? `${secret.length} characters` : 'none'}`);
  }
}

/** The two headers to send with a request. */
export function signRequest(secret: string, method: string, path: string, body: Uint8Array | readonly Uint8Array[], nowMs: number): Record<string, string> {
  const timestamp = String(Math.round(nowMs));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: `v1=${digest(secret, timestamp, method, path, body).toString('hex')}`,
  };
}

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Uint8Array;
  readonly timestamp: string | null | undefined;
  readonly signature: string | null | undefined;
}

/** Verifies signatures and remembers accepted ones for the replay window. */
export class RequestVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly secret: string,
    private readonly windowMs = DEFAULT_REPLAY_WINDOW_MS,
  ) {}

  /** Throws EngineError `unauthorized` (401) with a reason that never includes the secret or the expected digest. */
  verify(request: SignedRequest, nowMs: number): void {
    const { timestamp, signature } = request;
    if (!timestamp || !signature) throw new EngineError('unauthorized', `Missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER} header`);
    const sentAt = Number(timestamp);
    if (!/^\d{1,16}$/.test(timestamp) || Math.abs(nowMs - sentAt) > this.windowMs) {
      throw new EngineError('unauthorized', `Timestamp outside the ${this.windowMs / 1000} s window`);
    }
    const match = /^v1=([0-9a-f]{64})$/.exec(signature);
    if (!match) throw new EngineError('unauthorized', 'Malformed signature: expected v1=<64 hex digits>');
    const given = Buffer.from(match[1]!, 'hex');
    const wanted = digest(this.secret, timestamp, request.method, request.path, request.body);
    if (!timingSafeEqual(given, wanted)) throw new EngineError('unauthorized', 'Signature does not match');
    this.forgetExpired(nowMs);
    if (this.seen.has(match[1]!)) throw new EngineError('unauthorized', 'Replayed request');
    this.seen.set(match[1]!, sentAt);
  }

  private forgetExpired(nowMs: number): void {
    for (const [key, sentAt] of this.seen) {
      if (Math.abs(nowMs - sentAt) > this.windowMs) this.seen.delete(key);
    }
  }
}
