/**
 * `npm start`'s HTML report from a short real run: `edgebatch stack` starts the three processes on loopback,
 * replays 20 s of the default traces (where the rate steps up and the link falls) with the text detector, and
 * writes the report and the run's record. The report must open in Debian's Chromium with every plot drawn and
 * no console error or request beyond the file; `--from-record` must rebuild the same page from the record.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command as stack } from '../../cli/commands/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const workDir = mkdtempSync(join(tmpdir(), 'edgebatch-stack-report-'));
const reportPath = join(workDir, 'report.html');
const recordPath = join(workDir, 'run.json');

/** Runs the command with its stdout (the JSON summary) captured and its log on stderr kept quiet. */
async function runStack(argv: string[]): Promise<{ code: number; stdout: string; log: string }> {
  const out: string[] = [];
  const log: string[] = [];
  const logSpy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.map(String).join(' ')));
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log.push(String(chunk));
    return true;
  });
  try {
    const code = await stack.run(argv);
    return { code, stdout: out.join('\n'), log: log.join('') };
  } finally {
    logSpy.mockRestore();
    errSpy.mockRestore();
  }
}

describe('the npm start report, from a short real run, in a real browser', () => {
  let browser: Browser;
  let summary: Record<string, unknown>;
  let log = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
    // 20 s around the default segments' events: the rate steps up 10 s in, the link falls from 45 Mbit/s to 12.
    const result = await runStack([
      '--duration', '20',
      '--window', '59340:59362',
      '--link-window', '180:202',
      '--rate-scale', '0.2',
      '--no-calibrate',
      '--quiet',
      '--json',
      '--report', reportPath,
      '--record', recordPath,
    ]);
    log = result.log;
    expect(result.code, log).toBe(0);
    summary = JSON.parse(result.stdout) as Record<string, unknown>;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('prints the summary with the run\'s new fields beside the old ones, and the dashboard while it ran', () => {
    expect(summary.requests as number, log).toBeGreaterThan(50);
    expect(summary.answered as number).toBeGreaterThan(0);
    for (const key of ['sloAttainment', 'latencyP99Ms', 'edgeShare', 'meanBatchSize', 'errors', 'replans', 'replanReasons', 'costUsd']) expect(summary).toHaveProperty(key);
    expect(summary.report).toBe(reportPath);
    expect(summary.record).toBe(recordPath);
    expect(summary.dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dashboard$/);
    expect((summary.replanEvents as Array<{ reason: string }>)[0]!.reason).toBe('initial');
    expect(typeof summary.sloTarget).toBe('number');
    expect(typeof summary.coldStarts).toBe('number');
    expect(summary).toHaveProperty('warmInstances');
    expect((summary.edgeShareByBin as { shares: unknown[] }).shares).toHaveLength(2);
    expect(log).toContain('Dashboard (live while the replay runs): http://127.0.0.1:');
  });

  it('sets the run simulated beside it: the live figures are the summary\'s, the simulated ones the same fields', () => {
    const live = summary.live as Record<string, number>;
    const simulated = summary.simulated as Record<string, number>;
    expect(live).toEqual({
      attainment: summary.sloAttainment,
      p50Ms: summary.latencyP50Ms,
      p99Ms: summary.latencyP99Ms,
      edgeShare: summary.edgeShare,
      replans: (summary.replans as number) - ((summary.replanReasons as Record<string, number>).initial ?? 0),
    });
    expect(Object.keys(simulated).sort()).toEqual(Object.keys(live).sort());
    expect(simulated.attainment).toBeGreaterThanOrEqual(0);
    expect(simulated.attainment).toBeLessThanOrEqual(1);
    expect(simulated.p50Ms).toBeGreaterThan(0);
    expect(simulated.p99Ms).toBeGreaterThanOrEqual(simulated.p50Ms);
    // The scheduler abandons a call at its batch's deadline, and so does the simulator: no answer comes later.
    expect(simulated.p99Ms).toBeLessThanOrEqual(1000);
    expect(simulated.edgeShare).toBeGreaterThanOrEqual(0);
    expect(simulated.edgeShare).toBeLessThanOrEqual(1);
    expect(Number.isInteger(simulated.replans)).toBe(true);
  });

  it('draws every plot of the report, with no error and nothing loaded from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => void (message.type() === 'error' && problems.push(`console: ${message.text()}`)));
    page.on('request', (request) => void (request.url().startsWith('file:') || problems.push(`foreign request: ${request.url()}`)));
    await page.goto(`file://${reportPath}`);
    await page.waitForLoadState('load');
    const inked = await page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas'), (canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let count = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count += 1;
        return count;
      }),
    );
    // Rate and link, batch sizes, split, latency over time, latency CDF.
    expect(inked).toHaveLength(5);
    for (const pixels of inked) expect(pixels).toBeGreaterThan(300);
    // Each chart got real points, not only axes: the largest series of each has values at most seconds.
    const points = await page.evaluate(() =>
      (window as unknown as { edgebatchReport: { charts: Array<{ data: Array<Array<number | null>> }> } }).edgebatchReport.charts.map((chart) =>
        Math.max(...chart.data.slice(1).map((series) => series.filter((value) => value !== null && value !== undefined).length)),
      ),
    );
    expect(points).toHaveLength(5);
    for (const count of points.slice(0, 4)) expect(count).toBeGreaterThanOrEqual(15);
    expect(points[4]).toBeGreaterThan(50);
    const titles = await page.locator('.u-title').allTextContents();
    expect(titles.map((title) => title.split(' ')[0])).toEqual(['Arrival', 'Batch', 'Split:', 'Latency', 'Latency']);
    expect(await page.locator('table td').first().textContent()).toBe('requests');
    await page.screenshot({ path: join(tmpdir(), 'edgebatch-stack-report.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('rebuilds the same report from the run\'s record', async () => {
    const again = join(workDir, 'again.html');
    const result = await runStack(['--from-record', recordPath, '--report', again, '--json']);
    expect(result.code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(reportPath, 'utf8'));
    // The record keeps what the simulation takes: simulated again, the run gives the same figures.
    const rebuilt = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(rebuilt.live).toEqual(summary.live);
    expect(rebuilt.simulated).toEqual(summary.simulated);
  });
});
