/**
 * Telemetry may only register edge URLs the operator allows (EDGE_URLS, EDGE_URL_ALLOW): a validly signed
 * report naming any other URL is refused with 403 and the JSON error shape, logged at warn with the URL, and
 * changes nothing (no agent added, no bandwidth or batch sample taken). The real scheduler over loopback HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerInstance } from '../../functions/scheduler/create-scheduler.js';
import { createLogger } from '../../functions/scheduler/ops/logger.js';
import { signRequest } from '../../shared/protocol/auth.js';
import { SchedulerConfigSchema } from '../../shared/protocol/config.js';
import { listen } from '../ops/serve.js';

const EDGE_SECRET = 'allowlist-edge-secret-0123456789';
const CONFIGURED = 'http://127.0.0.1:9/v1/batch';
const PATTERN = 'https://edge-*.example.com/v1/batch';

interface StateView {
  readonly estimates: { readonly bandwidthMbps: { readonly edge: number } };
  readonly lanes: { readonly edge: { readonly agents: readonly { readonly batchUrl: string }[] } };
}

function report(batchUrl: string, nowMs: number) {
  return {
    agentId: `agent at ${batchUrl}`,
    batchUrl,
    sentAtMs: nowMs,
    // Far from the configured 20 Mbit/s: recording it would move the estimate.
    bandwidth: [{ atMs: nowMs, bytes: 100_000, ms: 400, kind: 'transfer' as const }],
    batches: [{ atMs: nowMs, batchSize: 8, preprocessMs: 5, inferMs: 900, totalMs: 1000 }],
  };
}

describe('telemetry from edge URLs the operator did not allow', () => {
  let scheduler: SchedulerInstance;
  let server: Awaited<ReturnType<typeof listen>>;
  const logLines: Array<{ level: string; msg: string; url?: string }> = [];

  beforeAll(async () => {
    const config = SchedulerConfigSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      store: { kind: 'memory' },
      security: { edgeSecret: EDGE_SECRET },
      lanes: { edge: { urls: [CONFIGURED], allow: [PATTERN] } },
      logging: { level: 'warn' },
    });
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });
    scheduler = await createScheduler(config, { logger });
    server = await listen(scheduler.app);
  });
  afterAll(async () => {
    await server?.close();
    await scheduler?.close();
  });

  async function postTelemetry(body: unknown, sign = true): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
    const bytes = new Uint8Array(new TextEncoder().encode(JSON.stringify(body)));
    const response = await fetch(`${server.url}/v1/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sign ? signRequest(EDGE_SECRET, 'POST', '/v1/telemetry', bytes, Date.now()) : {}) },
      body: bytes,
    });
    return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
  }

  const state = async () => (await (await fetch(`${server.url}/v1/state`)).json()) as StateView;

  it('refuses a signed report naming another URL with 403, logs the URL and changes nothing', async () => {
    const before = await state();
    const profilesBefore = structuredClone(scheduler.engine.state.current.profiles);
    const refused = [
      'https://attacker.example.net/v1/batch',
      // Near misses of the pattern: another domain ending, another scheme, port or path, an empty wildcard, a
      // deeper host, a user or a query.
      'https://edge-7.example.com.attacker.net/v1/batch',
      'http://edge-7.example.com/v1/batch',
      'https://edge-7.example.com:8443/v1/batch',
      'https://edge-7.example.com/v1/other',
      'https://edge-.example.com/v1/batch',
      'https://a.edge-7.example.com/v1/batch',
      'https://user@edge-7.example.com/v1/batch',
      'https://edge-7.example.com/v1/batch?to=attacker',
      // The configured agent's URL on another port.
      'http://127.0.0.1:10/v1/batch',
    ];
    for (const url of refused) {
      const answer = await postTelemetry(report(url, Date.now()));
      expect([url, answer.status]).toEqual([url, 403]);
      expect(answer.body.error?.code).toBe('forbidden');
      expect(answer.body.error?.message).toContain('not an allowed edge URL');
      const logged = logLines.find((line) => line.url === url);
      expect(logged, `a warn line naming ${url}`).toMatchObject({ level: 'warn', msg: expect.stringContaining('telemetry refused') });
    }
    const after = await state();
    expect(after.lanes.edge.agents.map((agent) => agent.batchUrl)).toEqual(before.lanes.edge.agents.map((agent) => agent.batchUrl));
    expect(after.estimates.bandwidthMbps.edge).toBe(before.estimates.bandwidthMbps.edge);
    expect(scheduler.engine.state.current.profiles).toEqual(profilesBefore);
  });

  it('accepts the configured agent and URLs the pattern allows, and registers them', async () => {
    const allowed = ['https://edge-7.example.com/v1/batch', 'https://EDGE-12.example.com:443/v1/batch', CONFIGURED];
    for (const url of allowed) expect([url, (await postTelemetry(report(url, Date.now()))).status]).toEqual([url, 200]);
    const agents = (await state()).lanes.edge.agents.map((agent) => agent.batchUrl);
    expect(agents).toEqual(expect.arrayContaining(['https://edge-7.example.com/v1/batch', 'https://EDGE-12.example.com:443/v1/batch', CONFIGURED]));
    expect(agents.some((url) => url.includes('attacker'))).toBe(false);
  });

  it('still checks the signature first: an unsigned report is 401 whatever URL it names', async () => {
    expect((await postTelemetry(report('https://edge-7.example.com/v1/batch', Date.now()), false)).status).toBe(401);
    expect((await postTelemetry(report('https://attacker.example.net/v1/batch', Date.now()), false)).status).toBe(401);
  });
});
