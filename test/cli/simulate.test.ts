import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextFile } from '../../cli/text-file.js';
import { DATA, REPO_ROOT } from '../support/paths.js';

const bin = join(REPO_ROOT, 'bin', 'edgebatch.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'simulate', ...args], { encoding: 'utf8', cwd: REPO_ROOT });
const twitter = join(DATA, 'seed/workload/TW_may25_15-16.gz');
const pensieve = join(DATA, 'traces/bandwidth/pensieve/train/trace_10322_http---edition.cnn.com');
const FIELDS = ['policy', 'requests', 'sloAttainment', 'latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms', 'latencyMaxMs', 'costTotalUsd', 'costPerMillionUsd', 'replans', 'edgeShare', 'serverlessInvocations', 'coldStarts', 'rejected', 'hedgesSent', 'hedgesWon', 'hedgeCostUsd', 'laneAttainment'];

describe('edgebatch simulate', () => {
  it('prints one JSON object per policy with the issue fields, the same for the same seed', () => {
    const args = ['--arrivals', twitter, '--bandwidth', pensieve, '--window', '0:60', '--policy', 'ours,static,oracle', '--json'];
    const first = run(...args);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.status).toBe(0);
    const rows = JSON.parse(first.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.policy)).toEqual(['ours', 'static', 'oracle']);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual([...FIELDS].sort());
      expect(row.requests).toBe(rows[0]!.requests);
    }
    // The 60 s window of the Twitter hour, counted independently.
    let t = 0;
    const expectedRequests = readTextFile(twitter).trim().split('\n').filter((gap) => (t += Number(gap)) < 60).length;
    expect(rows[0]!.requests).toBe(expectedRequests);
    expect(JSON.parse(run(...args).stdout)).toEqual(rows);
  });

  it('prints a table and writes a self-contained HTML report with uPlot inlined', () => {
    const report = join(mkdtempSync(join(tmpdir(), 'simulate-')), 'report.html');
    const result = run('--arrivals', twitter, '--bandwidth', pensieve, '--window', '0:30', '--policy', 'ours,periodic', '--report', report);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/policy\s+requests\s+SLO met %/);
    expect(result.stdout).toMatch(/^ours\s+\d+/m);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<!doctype html>');
    expect(html).toMatch(/uPlot/);
    expect(html).not.toMatch(/<script[^>]+src=/); // nothing fetched from elsewhere
    const json = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(json) as { results: Array<{ policy: string }>; seconds: number[] };
    expect(data.results.map((r) => r.policy)).toEqual(['ours', 'periodic']);
    expect(data.seconds.length).toBeGreaterThanOrEqual(30);
  });

  it('exits 2 on bad usage and 3 on unreadable input', () => {
    expect(run('--bandwidth', pensieve).status).toBe(2);
    const badPolicy = run('--arrivals', twitter, '--bandwidth', pensieve, '--policy', 'fastest');
    expect(badPolicy.status).toBe(2);
    expect(badPolicy.stderr).toContain('--policy: Expected one of ours');
    expect(run('--arrivals', twitter, '--bandwidth', pensieve, '--window', '9:3').status).toBe(2);
    expect(run('--arrivals', twitter, '--bandwidth', pensieve, '--slo', 'soon').status).toBe(2);
    const missing = run('--arrivals', '/nonexistent/trace', '--bandwidth', pensieve);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/cannot read arrival trace/);
    const garbled = run('--arrivals', pensieve, '--arrivals-format', 'gaps', '--bandwidth', pensieve);
    expect(garbled.status).toBe(3);
  });
});
