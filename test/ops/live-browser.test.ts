/**
 * The dashboard's browser test against the running system: the local stack (scheduler, edge agent behind a shaped
 * link, inference function, each a process) under a replayed trace, its dashboard in Debian's Chromium drawing
 * and updating live, a screenshot saved; then the simulation report, opened in the same browser.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_ARRIVALS, BUNDLED_EDGE_LINK } from '../../cli/bundled-assets.js';
import { command as simulate } from '../../cli/commands/simulate.js';
import { loadImages } from '../../cli/loadgen/images.js';
import { replay } from '../../cli/loadgen/replay.js';
import { startLocalStack, type LocalStack } from '../../cli/stack/local-stack.js';
import { readArrivals, readBandwidth } from '../../cli/traces-files.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const workDir = mkdtempSync(join(tmpdir(), 'edgebatch-browser-'));

function watchProblems(page: import('playwright-core').Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => void (message.type() === 'error' && problems.push(`console: ${message.text()}`)));
  return problems;
}

/** Pixels drawn on each canvas of the page (a chart that drew nothing has none). */
function inkedPixels(page: import('playwright-core').Page): Promise<number[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('canvas'), (canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count += 1;
      return count;
    }),
  );
}

describe('the dashboard on the live local stack, and the simulation report, in a real browser', () => {
  let stack: LocalStack;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    stack = await startLocalStack({ edgeLink: readBandwidth(BUNDLED_EDGE_LINK).trace, sloMs: 2000, stateDir: workDir });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('draws the live charts while real traffic flows, and they update', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const problems = watchProblems(page);
    await page.goto(`${stack.schedulerUrl}/dashboard`);
    const traffic = replay({
      url: stack.schedulerUrl,
      arrivalsMs: readArrivals(BUNDLED_ARRIVALS, { seed: 1, rateScale: 0.2 }).timesMs,
      images: loadImages(),
      durationMs: 8_000,
      drainMs: 10_000,
      requestTimeoutMs: 20_000,
    });
    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 3, undefined, { timeout: 30_000 });
    const points = () => page.evaluate(() => (window as unknown as { edgebatchDashboard: { charts: { rate: { data: number[][] } } } }).edgebatchDashboard.charts.rate.data[0]!.length);
    const before = await points();
    const records = await traffic;
    await page.waitForFunction((n) => (window as unknown as { edgebatchDashboard: { charts: { rate: { data: number[][] } } } }).edgebatchDashboard.charts.rate.data[0]!.length > n, before, { timeout: 30_000 });
    expect(records.filter((record) => record.status === 200).length).toBeGreaterThan(0);
    const inked = await inkedPixels(page);
    expect(inked).toHaveLength(4);
    for (const pixels of inked) expect(pixels).toBeGreaterThan(200);
    await page.screenshot({ path: join(tmpdir(), 'edgebatch-dashboard-live.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('opens the simulation report: every plot draws, no errors', async () => {
    const report = join(workDir, 'report.html');
    const code = await simulate.run([
      '--arrivals', BUNDLED_ARRIVALS,
      '--bandwidth', BUNDLED_EDGE_LINK,
      '--window', '0:60',
      '--policy', 'ours,seed,static',
      '--report', report,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(readdirSync(workDir)).toContain('report.html');
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const problems = watchProblems(page);
    const foreign: string[] = [];
    page.on('request', (request) => void (request.url().startsWith('file:') || foreign.push(request.url())));
    await page.goto(`file://${report}`);
    await page.waitForLoadState('load');
    const inked = await inkedPixels(page);
    expect(inked.length).toBeGreaterThanOrEqual(3);
    for (const pixels of inked) expect(pixels).toBeGreaterThan(100);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
