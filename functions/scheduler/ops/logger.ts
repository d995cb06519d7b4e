/**
 * Structured JSON logs (pino), one line per event, with a child logger per request carrying its id (FC's
 * `x-fc-request-id` when FC forwarded the request, else a generated one) so that every line of one request
 * can be found together in SLS.
 *
 * Secrets are kept out twice: pino `redact` censors the known fields (auth headers, FC's credential headers,
 * secret config keys), and the output stream replaces any secret value that still shows up anywhere in a
 * line (in a message, an error text) — a field-path list alone cannot know where a careless log call puts one.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import pino, { type DestinationStream, type Logger } from 'pino';
import { REDACTED } from '../../../shared/protocol/config-redact.js';
import { SIGNATURE_HEADER } from '../../../shared/protocol/auth.js';

export type { Logger } from 'pino';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Header FC sets on every request it forwards to a custom runtime. */
export const FC_REQUEST_ID_HEADER = 'x-fc-request-id';
/** Echoed on every answer (FC forbids setting `x-fc-*` response headers). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Headers whose values never reach a log line. FC forwards the caller's temporary credentials as headers. */
const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  SIGNATURE_HEADER,
  'x-fc-access-key-id',
  'x-fc-access-key-secret',
  'x-fc-security-token',
];
/** Field names that hold secrets wherever they appear one or two levels down (config objects, options). */
const SECRET_FIELDS = ['edgeSecret', 'configSecret', 'accessKeyId', 'accessKeySecret', 'securityToken', 'secret', 'password'];

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`, `res.headers["${h}"]`]),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]),
];

/** Wraps a destination so that any listed secret (raw or as it appears inside a JSON string) is censored. */
export function scrubbingDestination(target: DestinationStream, secrets: readonly string[]): DestinationStream {
  const needles = [...new Set(secrets.filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return target;
  return {
    write(line: string) {
      let out = line;
      for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
      target.write(out);
    },
  };
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Secret values to censor wherever they appear (configSecretValues(config)). */
  readonly secrets?: readonly string[];
  /** Where lines go; default stdout. Tests pass a collecting stream. */
  readonly destination?: DestinationStream;
  /** Fixed fields on every line, e.g. { service: 'scheduler' }. */
  readonly base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = scrubbingDestination(options.destination ?? pino.destination({ dest: 1, sync: false }), options.secrets ?? []);
  return pino(
    {
      level: options.level,
      base: { service: 'scheduler', ...options.base },
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** FC's request id when present and sane (it is echoed in a header: no control characters), else a fresh one. */
export function requestIdFrom(headers: { get(name: string): string | null | undefined }, generate: () => string = randomUUID): string {
  const given = headers.get(FC_REQUEST_ID_HEADER)?.trim();
  return given && REQUEST_ID_PATTERN.test(given) ? given : generate();
}

/** What the middleware puts on the Hono context: `c.get('requestId')`, `c.get('log')`. */
export interface RequestLogVariables {
  requestId: string;
  log: Logger;
}

/**
 * A request's logger, made on first use: most requests log nothing beyond their one line, and a pino child
 * (its bindings serialised and redacted) is a good part of what a small request costs.
 */
function lazyChild(logger: Logger, requestId: string): Logger {
  let child: Logger | undefined;
  const real = () => (child ??= logger.child({ requestId }));
  return new Proxy(logger, {
    get(_, property) {
      const value = Reflect.get(real(), property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real()) : value;
    },
  });
}

/**
 * The level of a request's line: failures are errors, refusals of the request itself warnings. A 429 is the
 * scheduler shedding load as designed (counted in the metrics, and summed up in one warning per interval by the
 * scheduler), not one warning per request: under overload that would be a line for every request refused.
 */
function levelOf(status: number): 'error' | 'warn' | 'info' {
  if (status >= 500) return 'error';
  if (status >= 400 && status !== 429) return 'warn';
  return 'info';
}

/**
 * Hono middleware: a child logger per request carrying `requestId` (made when first used), the id echoed in
 * `x-request-id`, and one line per request on completion (method, path, status, duration) when its level is
 * enabled. `now` is injected (ms clock).
 */
export function requestLogging(logger: Logger, now: () => number = () => performance.now()): MiddlewareHandler<{ Variables: RequestLogVariables }> {
  return async (c, next) => {
    const requestId = requestIdFrom(c.req.raw.headers);
    c.set('requestId', requestId);
    c.set('log', lazyChild(logger, requestId));
    // Set before the answer is built, so it is built with it: a header added to a finished answer makes Hono copy it.
    c.header(REQUEST_ID_HEADER, requestId);
    const started = now();
    await next();
    // A handler that returned its own Response (not built through the context) has not got it yet.
    if (!c.res.headers.has(REQUEST_ID_HEADER)) c.res.headers.set(REQUEST_ID_HEADER, requestId);
    const status = c.res.status;
    const level = levelOf(status);
    if (!logger.isLevelEnabled(level)) return;
    const line = { method: c.req.method, path: c.req.path, status, durationMs: Math.round((now() - started) * 10) / 10 };
    c.get('log')[level](line, status >= 500 ? 'request failed' : status >= 400 ? 'request refused' : 'request');
  };
}
