import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/core/errors.js';
import { detectArrivalFormat, parseArrivals, scaleArrivals } from '../../../shared/core/traces/arrivals.js';
import { readDataText } from '../../support/data.js';
import { seededUniform } from './uniform.js';

const read = readDataText;
const twitterHour = read('seed/workload/TW_may25_15-16.gz');

describe('parseArrivals on the real traces', () => {
  it('reads the Twitter hour (inter-arrival gaps): 172,541 arrivals over about an hour', () => {
    const trace = parseArrivals(twitterHour);
    expect(trace.format).toBe('gaps');
    expect(trace.timesMs.length).toBe(172_541);
    // Independent: sum the gaps with a plain loop over the lines.
    const total = twitterHour.split('\n').filter((l) => l.trim()).reduce((s, l) => s + Number(l) * 1000, 0);
    expect(trace.timesMs[trace.timesMs.length - 1]).toBeCloseTo(total, 3);
    expect(trace.durationMs / 1000).toBeGreaterThan(3500);
    expect(trace.durationMs / 1000).toBeLessThan(3700);
    let sorted = true;
    for (let i = 1; i < trace.timesMs.length; i++) if (trace.timesMs[i]! < trace.timesMs[i - 1]!) sorted = false;
    expect(sorted).toBe(true);
  });

  it('reads the prototype JSON gaps', () => {
    const text = read('seed/workload/workload-2.json');
    const gaps = JSON.parse(text) as number[];
    const trace = parseArrivals(text);
    expect(trace.format).toBe('json-gaps');
    expect(trace.timesMs.length).toBe(gaps.length);
    expect(trace.timesMs[0]).toBeCloseTo(gaps[0]! * 1000, 9);
  });

  it('spreads per-second counts inside their seconds, seeded', () => {
    const text = read('traces/arrivals/twitter-may25/per-second-23h.csv.gz');
    const counts = text.trim().split('\n').slice(0, 60).map((l) => Number(l.split(',')[3]));
    const trace = parseArrivals(text, { window: { startS: 0, endS: 60 }, uniform: seededUniform(1) });
    expect(trace.format).toBe('per-second');
    expect(trace.timesMs.length).toBe(counts.reduce((a, b) => a + b, 0));
    const inSecond0 = trace.timesMs.filter((t) => t < 1000).length;
    expect(inSecond0).toBe(counts[0]);
    expect(trace.durationMs).toBe(60_000);
    const again = parseArrivals(text, { window: { startS: 0, endS: 60 }, uniform: seededUniform(1) });
    expect(Array.from(again.timesMs)).toEqual(Array.from(trace.timesMs));
  });

  it('reads Azure Functions per-minute counts: the sum of rows, or one row', () => {
    const text = read('traces/arrivals/azure-functions-2019/orig_format_10/invocations.csv');
    const rows = text.trim().split('\n').slice(1).map((l) => l.split(',').slice(4).map(Number));
    // The first ten minutes of all rows summed (the whole day is millions of calls).
    const sumTen = rows.map((row) => row.slice(0, 10)).flat().reduce((a, b) => a + b, 0);
    const summed = parseArrivals(text, { uniform: seededUniform(2), window: { startS: 0, endS: 600 } });
    expect(summed.format).toBe('azure-functions');
    expect(summed.timesMs.length).toBe(sumTen);
    expect(summed.durationMs).toBe(600_000);
    const row0 = parseArrivals(text, { azureFunction: 0, uniform: seededUniform(2), window: { startS: 0, endS: 60 } });
    expect(row0.timesMs.length).toBe(rows[0]![0]);
  });

  it('reads Azure LLM timestamps relative to the first', () => {
    const text = read('traces/arrivals/azure-llm-2023/AzureLLMInferenceTrace_conv.csv.gz');
    const trace = parseArrivals(text);
    expect(trace.format).toBe('azure-llm');
    expect(trace.timesMs.length).toBe(text.trim().split('\n').length - 1);
    expect(trace.timesMs[0]).toBe(0);
    expect(trace.timesMs[1]).toBeCloseTo(50_995.169 - 46_680.59, 3);
    // 18:15:46.6805900 → 19:14:08.4025270
    expect(trace.timesMs[trace.timesMs.length - 1]).toBeCloseTo((58 * 60 + 21) * 1000 + 721.937, 3);
  });
});

describe('windows and rate scaling', () => {
  it('cuts a window and re-bases it', () => {
    const full = parseArrivals(twitterHour);
    const cut = parseArrivals(twitterHour, { window: { startS: 600, endS: 900 } });
    const expectedCount = full.timesMs.filter((t) => t >= 600_000 && t < 900_000).length;
    expect(cut.timesMs.length).toBe(expectedCount);
    expect(cut.timesMs[0]).toBeGreaterThanOrEqual(0);
    expect(cut.durationMs).toBe(300_000);
  });

  it('doubles exactly and halves within binomial bounds, keeping the per-minute shape', () => {
    const base = parseArrivals(twitterHour, { window: { startS: 0, endS: 600 } });
    const doubled = scaleArrivals(base.timesMs, base.durationMs, 2, seededUniform(3));
    expect(doubled.length).toBe(base.timesMs.length * 2);
    const halved = scaleArrivals(base.timesMs, base.durationMs, 0.5, seededUniform(3));
    const n = base.timesMs.length;
    expect(Math.abs(halved.length - n / 2)).toBeLessThan(4 * Math.sqrt(n / 4));
    const perMinute = (times: Float64Array) => Array.from({ length: 10 }, (_, m) => times.filter((t) => t >= m * 60_000 && t < (m + 1) * 60_000).length);
    perMinute(doubled).forEach((count, m) => expect(count).toBeCloseTo(2 * perMinute(base.timesMs)[m]!, -1));
  });
});

describe('bad input', () => {
  it('names the line of a bad gap', () => {
    expect(() => parseArrivals('0.1\n0.2\nabc\n', { format: 'gaps', source: 'f.txt' })).toThrow(/f\.txt line 3: Expected an inter-arrival gap in seconds, got "abc"/);
  });
  it('adds up the repeated seconds of the 23-hour per-second file (hour files joined)', () => {
    const trace = parseArrivals('0,0,1,2\n1,0,1,3\n1,0,1,4\n2,0,1,1\n', { uniform: seededUniform(4) });
    expect(trace.timesMs.filter((t) => t >= 1000 && t < 2000).length).toBe(7);
    expect(() => parseArrivals('5,0,1,2\n4,0,1,3\n', { uniform: seededUniform(4) })).toThrow(/bins must increase/);
  });
  it('refuses negative gaps, empty traces and unknown layouts', () => {
    expect(() => parseArrivals('0.1\n-1\n')).toThrow(EngineError);
    expect(() => parseArrivals('0.0 0.89\n5.0 0.88\n', { format: 'gaps' })).toThrow(/line 1: Expected one inter-arrival gap/);
    expect(() => parseArrivals('')).toThrow(/no arrivals|Expected/);
    expect(() => detectArrivalFormat('a b c\n')).toThrow(/Expected an arrival trace/);
  });
  it('needs a seeded generator to spread counts', () => {
    expect(() => parseArrivals('0,0,1,5\n')).toThrow(/seeded generator/);
  });
});
