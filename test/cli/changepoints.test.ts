import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/edgebatch.js';
import { createRandom } from '../../shared/core/random.js';
import { DATA, REPO_ROOT } from '../support/paths.js';

let dir: string;
let counts: number[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'changepoints-'));
  const random = createRandom(99);
  counts = [...Array.from({ length: 200 }, () => random.poisson(20)), ...Array.from({ length: 200 }, () => random.poisson(80))];
  writeFileSync(join(dir, 'counts.txt'), `# per-second counts\n${counts.join('\n')}\n`);
  writeFileSync(join(dir, 'counts.json'), JSON.stringify(counts));
  writeFileSync(join(dir, 'counts.csv'), `second,bin,count\n${counts.map((c, i) => `${i},1,${c}`).join('\n')}\n`);
  writeFileSync(join(dir, 'mbps.txt'), Array.from({ length: 300 }, (_, i) => (i < 150 ? 2 : 12) * Math.exp(random.normal(0, 0.2))).join('\n'));
  writeFileSync(join(dir, 'bad.txt'), '3\n4\nfive\n');
  writeFileSync(join(dir, 'counts.txt.gz'), gzipSync(`${counts.join('\n')}\n`));
  writeFileSync(join(dir, 'counts-annotations.json'), JSON.stringify({ alice: [200], bob: [198], carol: [] }));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `edgebatch changepoints ...` in-process, capturing stdout and stderr. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  const code = await main(['changepoints', ...args]);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('edgebatch changepoints', () => {
  it('prints the change index of a one-value-per-line file, and the same from JSON and a CSV column', async () => {
    const lines = await run('--model', 'poisson', '--input', join(dir, 'counts.txt'));
    expect(lines.code).toBe(0);
    expect(lines.out).toBe('200');
    expect(lines.err).toMatch(/1 changepoint in 400 observations \(poisson, smoothed, hazard 1\/250, threshold 0\.667\)/);
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.json'))).out).toBe('200');
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.csv'), '--column', 'count')).out).toBe('200');
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.csv'), '--column', '3', '--exposure-column', 'bin')).out).toBe('200');
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.txt.gz'))).out).toBe('200');
    const online = await run('--model', 'poisson', '--rule', 'online', '--input', join(dir, 'counts.txt'));
    expect(online.out).toBe('200');
    // the online rule keeps the live detector's even odds; the smoothed rule's two to one is its own default
    expect(online.err).toMatch(/\(poisson, online, hazard 1\/250, threshold 0\.5\)/);
    expect((await run('--model', 'poisson', '--threshold', '0.9', '--input', join(dir, 'counts.txt'))).err).toMatch(/smoothed, hazard 1\/250, threshold 0\.9\)/);
  });

  it('scores the changes against annotations: F1 with margin 5 and cover, per van den Burg and Williams', async () => {
    const simple = await run('--model', 'poisson', '--input', join(dir, 'counts.txt'), '--annotations', join(dir, 'counts-annotations.json'));
    expect(simple.code).toBe(0);
    // X = {0, 200}; alice {0, 200} and bob {0, 198} matched, carol {0}: P = 2/2, R = (1 + 1 + 1)/3, F1 = 1
    expect(simple.out).toMatch(/^changepoints: 200\nF1 \(margin 5\): 1\.000 \(precision 1\.000, recall 1\.000, 3 annotators\)\ncover: 0\.8\d\d$/);
    // TCPD's formats (a dataset with a missing value, and the annotations of five annotators), on a level shift at 60.
    const step = Array.from({ length: 120 }, (_, i) => (i < 60 ? 10 : 14) + Math.sin(i * 1.7) * 0.8);
    writeFileSync(join(dir, 'shift.json'), JSON.stringify({ name: 'shift', n_obs: 120, series: [{ label: 'V1', type: 'float', raw: step.map((v, i) => (i === 30 ? null : v)) }] }));
    const annotators = { 1: [60], 2: [60], 3: [59], 4: [], 5: [61] };
    writeFileSync(join(dir, 'annotations.json'), JSON.stringify({ shift: annotators, other: { 1: [] } }));
    const shift = await run('--input', join(dir, 'shift.json'), '--annotations', join(dir, 'annotations.json'), '--json');
    const parsed = JSON.parse(shift.out) as { changepoints: number[]; evaluation: { series: string; annotators: number; f1: number; cover: number } };
    expect(parsed.changepoints).toEqual([60]);
    // X = {0, 60}; annotators 1, 2, 3 and 5 each matched within 5, annotator 4 ({0}) only at 0: P = 1, R = 1, F1 = 1.
    expect(parsed.evaluation).toMatchObject({ series: 'shift', annotators: 5, f1: 1 });
    expect(parsed.evaluation.cover).toBeGreaterThan(0.8);
    const wrong = await run('--input', join(dir, 'counts.txt'), '--model', 'poisson', '--annotations', join(dir, 'annotations.json'));
    expect(wrong.code).toBe(3);
    expect(wrong.err).toMatch(/a series named one of shift, other, got "counts"/);
  });

  it('--json gives detections and one output per observation', async () => {
    const { code, out } = await run('--model', 'poisson', '--input', join(dir, 'counts.txt'), '--json', '--hazard', '100', '--prior', 'shape=1,rate=0.01');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as {
      changepoints: number[];
      detections: { index: number; detectedAt: number }[];
      outputs: { index: number; changeProbability: number; mapRunLength: number; predictiveMean: number }[];
      options: { expectedSegmentLength: number; shape: number };
    };
    expect(parsed.changepoints).toEqual([200]);
    expect(parsed.detections[0]!.detectedAt).toBeGreaterThanOrEqual(200);
    expect(parsed.outputs).toHaveLength(400);
    expect(parsed.outputs[399]!.mapRunLength).toBe(200);
    expect(parsed.outputs[399]!.predictiveMean).toBeGreaterThan(70);
    expect(parsed.options.expectedSegmentLength).toBe(100);
    expect(parsed.options.shape).toBe(1);
  });

  it('gaussian (the default model, standardised) with --log finds a bandwidth step; so does the raw log-bandwidth prior', async () => {
    expect((await run('--log', '--input', join(dir, 'mbps.txt'))).out).toBe('150');
    expect((await run('--model', 'gaussian', '--standardize', '--log', '--input', join(dir, 'mbps.txt'))).out).toBe('150');
    expect((await run('--model', 'gaussian', '--no-standardize', '--log', '--input', join(dir, 'mbps.txt'))).out).toBe('150');
  });

  it('bad options exit 2 with the usage; bad input exits 3 with the place', async () => {
    const badModel = await run('--model', 'weibull', '--input', join(dir, 'counts.txt'));
    expect(badModel.code).toBe(2);
    expect(badModel.err).toMatch(/--model: Expected poisson or gaussian, got "weibull"[\s\S]*Usage: edgebatch changepoints/);
    expect((await run('--model', 'poisson')).code).toBe(2);
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.txt'), '--rule', 'psychic')).code).toBe(2);
    expect((await run('--input', join(dir, 'counts.txt'), '--standardize', '--no-standardize')).code).toBe(2);
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.txt'), '--threshold', '2')).code).toBe(2);
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.txt'), '--standardize')).code).toBe(2);
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.txt'), '--prior', 'shape=-1')).code).toBe(2);
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.txt'), '--bogus')).code).toBe(2);

    const missing = await run('--model', 'poisson', '--input', join(dir, 'nope.txt'));
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/cannot read .*nope\.txt: ENOENT/);
    const bad = await run('--model', 'poisson', '--input', join(dir, 'bad.txt'));
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/bad\.txt line 3: Expected a number, got "five"/);
    const notCounts = await run('--model', 'poisson', '--input', join(dir, 'mbps.txt'));
    expect(notCounts.code).toBe(3);
    expect(notCounts.err).toMatch(/Observation 0: Expected a count/);
    const table = await run('--model', 'poisson', '--input', join(dir, 'counts.csv'));
    expect(table.code).toBe(3);
    expect(table.err).toMatch(/has 3 fields; choose one with --column/);
    expect((await run('--model', 'poisson', '--input', join(dir, 'counts.csv'), '--column', 'nope')).err).toMatch(/columns: second, bin, count/);
  });

  it('runs as a user types it, on the real Twitter per-second trace', () => {
    const result = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'edgebatch.js'), 'changepoints', '--model', 'poisson', '--column', '4', '--input', join(DATA, 'traces/arrivals/twitter-may25/per-second-23h.csv.gz')],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    const indices = result.stdout.trim().split('\n').map(Number);
    expect(indices.length).toBeGreaterThan(10);
    expect(indices.every((index, i) => Number.isInteger(index) && index > 0 && index < 82_805 && (i === 0 || index > indices[i - 1]!))).toBe(true);
    expect(result.stderr).toMatch(/changepoints in 82805 observations/);
  });
});
