import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardRoutes } from '../../functions/scheduler/ops/dashboard/routes.js';
import { PlanViewSchema, SchedulerStateSchema } from '../../shared/protocol/http-schemas.js';
import { createStateFixture } from './dashboard-fixture.js';
import { listen } from './serve.js';

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH overrides. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT = join(tmpdir(), 'edgebatch-dashboard.png');

describe('dashboard in a real browser (against a state stand-in fed from real data)', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof listen>>;
  const fixture = createStateFixture();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
    const app = new Hono();
    app.route('/', createDashboardRoutes());
    app.route('/', fixture.app);
    server = await listen(app);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the stand-in serves what the schema promises', async () => {
    const response = await fetch(`${server.url}/v1/state`);
    expect(SchedulerStateSchema.safeParse(await response.json()).success).toBe(true);
    expect(PlanViewSchema.safeParse(await (await fetch(`${server.url}/v1/plan`)).json()).success).toBe(true);
  });

  it('draws the four charts, the plan and the SLO against its target, updates them live, and loads nothing from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) problems.push(`foreign request: ${request.url()}`);
    });
    await page.goto(`${server.url}/dashboard`);
    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 1, undefined, { timeout: 20_000 });

    const firstPoints = await page.evaluate(() => (window as unknown as { edgebatchDashboard: { charts: { rate: { data: number[][] } } } }).edgebatchDashboard.charts.rate.data[0]!.length);
    // Each canvas has drawn lines: count pixels that are not background.
    const inked = await page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas'), (canvas) => {
        const ctx = canvas.getContext('2d')!;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let count = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count += 1;
        return count;
      }),
    );
    expect(inked).toHaveLength(4);
    for (const pixels of inked) expect(pixels).toBeGreaterThan(500);

    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 3, undefined, { timeout: 20_000 });
    const laterPoints = await page.evaluate(() => (window as unknown as { edgebatchDashboard: { charts: { rate: { data: number[][] } } } }).edgebatchDashboard.charts.rate.data[0]!.length);
    expect(laterPoints).toBeGreaterThan(firstPoints);
    expect(fixture.calls()).toBeGreaterThanOrEqual(3);

    const planRow = await page.locator('#plan-table tr[data-lane="edge"] td').allTextContents();
    expect(planRow).toEqual(['edge', '20', '400 ms', '80%', '620 ms']);
    expect(await page.locator('#plan-why').textContent()).toMatch(/^Policy "ours" planned at .+ req\/s, bandwidth edge .+ SLO 1000 ms\.$/);
    expect(await page.locator('#status').getAttribute('class')).toBe('status');
    expect(await page.locator('#lanes').textContent()).toBe('edge up serverless up ');
    // The SLO target beside the measured (red: below target) and the predicted attainment.
    expect(await page.locator('#slo-target').textContent()).toBe('99.90% within 1000 ms');
    expect(await page.locator('#slo-window').textContent()).toBe('last 60 s');
    expect(await page.locator('#slo-measured').textContent()).toMatch(/^9\d\.\d\d%$/);
    expect(await page.locator('#slo-measured').getAttribute('class')).toBe('value down');
    expect(await page.locator('#slo-sub').textContent()).toMatch(/^predicted 99\.94% · since start 9\d\.\d\d% of \d+$/);
    expect(await page.locator('#plan-target').textContent()).toBe('Target 99.90% within 1000 ms; predicted 99.94%.');
    expect(await page.locator('#hedges').textContent()).toBe('12 / 9');
    expect(await page.locator('#plan-extra').textContent()).toMatch(/^serverless 2048 MB \/ 1 vCPU, 2 warm · /);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('says so when the scheduler cannot be reached, and keeps trying', async () => {
    const page = await browser.newPage();
    await page.route('**/v1/state', (route) => route.fulfill({ status: 503, body: '{"error":{"code":"no_lane","message":"x"}}' }));
    await page.goto(`${server.url}/dashboard`);
    await page.waitForFunction(() => (window as unknown as { edgebatchDashboard: { errors: number } }).edgebatchDashboard.errors >= 2, undefined, { timeout: 20_000 });
    expect(await page.locator('#status').textContent()).toContain('cannot reach the scheduler (/v1/state: HTTP 503)');
    await page.close();
  }, 60_000);
});
