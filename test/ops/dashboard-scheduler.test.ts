import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerInstance } from '../../functions/scheduler/create-scheduler.js';
import { createLogger } from '../../functions/scheduler/ops/logger.js';
import { buildOpenApiDocument } from '../../functions/scheduler/ops/openapi.js';
import { SchedulerConfigSchema } from '../../shared/protocol/config.js';
import { HealthSchema, PlanViewSchema, SchedulerStateSchema } from '../../shared/protocol/http-schemas.js';
import { listen } from './serve.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The real scheduler app (memory store, no lanes configured) against the schemas the OpenAPI document
 * publishes, and its dashboard in a browser. The full-stack version (edge agent and inference function with
 * traffic) belongs with `edgebatch stack`.
 */
describe('the scheduler serves what http-schemas.ts promises, and its dashboard runs on it', () => {
  let scheduler: SchedulerInstance;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;

  beforeAll(async () => {
    const config = SchedulerConfigSchema.parse({ server: { host: '127.0.0.1', port: 0 }, store: { kind: 'memory' }, logging: { level: 'silent' } });
    scheduler = await createScheduler(config, { logger: createLogger({ level: 'silent', destination: { write: () => undefined } }) });
    server = await listen(scheduler.app);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await scheduler?.close();
  });

  it('GET /v1/state, /v1/plan and /healthz match their schemas', async () => {
    const state = await (await fetch(`${server.url}/v1/state`)).json();
    const parsed = SchedulerStateSchema.safeParse(state);
    expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
    const plan = PlanViewSchema.safeParse(await (await fetch(`${server.url}/v1/plan`)).json());
    expect(plan.success, JSON.stringify(plan.error?.issues.slice(0, 3))).toBe(true);
    const health = await fetch(`${server.url}/healthz`);
    expect(HealthSchema.safeParse(await health.json()).success).toBe(true);
  });

  it('every route the OpenAPI document lists exists on the real app (no 404 or 405)', async () => {
    const paths = buildOpenApiDocument().paths as Record<string, Record<string, unknown>>;
    for (const [path, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        const response = await fetch(`${server.url}${path}`, { method: method.toUpperCase(), ...(method === 'get' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
        expect([404, 405], `${method.toUpperCase()} ${path} answered ${response.status}`).not.toContain(response.status);
        await response.arrayBuffer();
      }
    }
  });

  it('the dashboard loads, polls and draws without errors', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
    await page.goto(`${server.url}/dashboard`);
    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 2, undefined, { timeout: 20_000 });
    expect(await page.locator('canvas').count()).toBe(4);
    expect(await page.locator('#status').getAttribute('class')).toBe('status');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
