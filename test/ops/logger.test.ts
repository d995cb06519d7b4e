import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import type { DestinationStream } from 'pino';
import { createLogger, requestIdFrom, requestLogging, scrubbingDestination, type RequestLogVariables } from '../../functions/scheduler/ops/logger.js';
import { loadSchedulerConfig } from '../../shared/protocol/config-load.js';
import { configSecretValues } from '../../shared/protocol/config-redact.js';
import { signRequest } from '../../shared/protocol/auth.js';
import { listen } from './serve.js';

/** Collects log lines as written (after the scrubbing stream). */
function sink(): DestinationStream & { lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line), records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const EDGE_SECRET = 'edge-secret-for-the-logger-test';
const CONFIG_SECRET = 'config-secret "quoted" \\ value';
const CLOUD_SECRET = 'cloud-access-key-secret-42';

const loaded = loadSchedulerConfig({
  env: { EDGE_SECRET, CONFIG_SECRET, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tKeyIdForTest', ALIBABA_CLOUD_ACCESS_KEY_SECRET: CLOUD_SECRET, LOG_LEVEL: 'debug' },
});
if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
const config = loaded.config;

describe('createLogger', () => {
  it('writes JSON lines with level names, and respects the configured level', () => {
    const out = sink();
    const log = createLogger({ level: 'warn', destination: out });
    log.info('not shown');
    log.warn({ queueDepth: 3 }, 'queue growing');
    expect(out.records()).toHaveLength(1);
    expect(out.records()[0]).toMatchObject({ level: 'warn', service: 'scheduler', queueDepth: 3, msg: 'queue growing' });
  });

  it('never prints a secret from the config, whether logged as a field, inside an object, or in a message', () => {
    const out = sink();
    const log = createLogger({ level: config.logging.level, secrets: configSecretValues(config), destination: out });
    log.info({ config }, 'starting');
    log.debug({ options: { edgeSecret: EDGE_SECRET } }, 'edge client');
    log.error({ err: new Error(`signing with ${EDGE_SECRET} failed`) }, `could not sign: ${CONFIG_SECRET}`);
    log.info({ detail: `token=${CLOUD_SECRET}` }, 'free text');
    const text = out.lines.join('');
    expect(out.lines).toHaveLength(4);
    for (const secret of [EDGE_SECRET, CONFIG_SECRET, JSON.stringify(CONFIG_SECRET).slice(1, -1), CLOUD_SECRET, 'LTAI5tKeyIdForTest']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    // The rest of the config is still there.
    expect(out.records()[0]).toMatchObject({ config: { server: { port: 9000 }, security: { edgeSecret: '[redacted]' } } });
  });

  it('scrubbingDestination replaces longer secrets first', () => {
    const out = sink();
    scrubbingDestination(out, ['abcd', 'abcdefgh']).write('x abcdefgh y abcd\n');
    expect(out.lines).toEqual(['x [redacted] y [redacted]\n']);
  });
});

describe('requestIdFrom', () => {
  it("takes FC's x-fc-request-id when sane, else generates one", () => {
    expect(requestIdFrom(new Headers({ 'x-fc-request-id': '1-6650a1b2-3c4d5e6f7a8b9c0d1e2f3a4b' }))).toBe('1-6650a1b2-3c4d5e6f7a8b9c0d1e2f3a4b');
    expect(requestIdFrom(new Headers(), () => 'generated')).toBe('generated');
    expect(requestIdFrom(new Headers({ 'x-fc-request-id': 'bad id\twith spaces' }), () => 'generated')).toBe('generated');
  });
});

describe('requestLogging over real HTTP', () => {
  const out = sink();
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const log = createLogger({ level: 'info', secrets: configSecretValues(config), destination: out });
    const app = new Hono<{ Variables: RequestLogVariables }>();
    app.use(requestLogging(log));
    app.post('/v1/telemetry', (c) => {
      // A handler that (carelessly) logs its request headers.
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((value, name) => void (headers[name] = value));
      c.get('log').info({ headers }, 'telemetry');
      return c.body(null, 204);
    });
    app.get('/boom', (c) => c.json({ error: { code: 'internal', message: 'x' } }, 500));
    server = await listen(app as unknown as Hono);
  });
  afterAll(() => server.close());

  it('tags every line of a request with its id, echoes it, and censors auth headers', async () => {
    const body = new TextEncoder().encode('{}');
    const signature = signRequest(EDGE_SECRET, 'POST', '/v1/telemetry', body, 1_700_000_000_000);
    const response = await fetch(`${server.url}/v1/telemetry`, {
      method: 'POST',
      body,
      headers: {
        ...signature,
        authorization: 'Bearer abcdefghijklmnop',
        'x-fc-request-id': 'fc-req-123',
        'x-fc-access-key-secret': 'temporary-fc-secret-value',
        'x-fc-security-token': 'temporary-fc-token-value',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('x-request-id')).toBe('fc-req-123');
    const records = out.records().filter((r) => r.requestId === 'fc-req-123');
    expect(records.map((r) => r.msg)).toEqual(['telemetry', 'request']);
    expect(records[1]).toMatchObject({ method: 'POST', path: '/v1/telemetry', status: 204, level: 'info' });
    const text = out.lines.join('');
    for (const secret of [signature['x-edgebatch-signature']!, 'abcdefghijklmnop', 'temporary-fc-secret-value', 'temporary-fc-token-value']) {
      expect(text).not.toContain(secret);
    }
  });

  it('generates ids when FC did not send one, and logs failures at error level', async () => {
    const [a, b] = await Promise.all([fetch(`${server.url}/boom`), fetch(`${server.url}/boom`)]);
    const ids = [a.headers.get('x-request-id'), b.headers.get('x-request-id')];
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
    const failed = out.records().filter((r) => r.status === 500);
    expect(failed.map((r) => r.level)).toEqual(['error', 'error']);
    expect(new Set(failed.map((r) => r.requestId))).toEqual(new Set(ids));
  });
});
