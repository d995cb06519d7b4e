/** Series text formats, TCPD datasets and annotations, and the standardisation of real-valued series. */
import { describe, expect, it } from 'vitest';
import { annotationsFor, parseSeriesText, robustStandardization, SeriesOptionError } from '../../../shared/core/bocpd/index.js';
import { longRunSd } from '../../../shared/core/bocpd/standardize.js';
import { createRandom } from '../../../shared/core/random.js';

const source = 'test';

describe('parseSeriesText', () => {
  it('reads one number per line, a table column, and a JSON array', () => {
    expect(parseSeriesText('# counts\n3\n\n4\r\n5\n', { source }).values).toEqual([3, 4, 5]);
    const table = parseSeriesText('t,width,count\n0,1,7\n1,2,9\n', { column: 'count', exposureColumn: '2', source });
    expect(table.values).toEqual([7, 9]);
    expect(table.exposures).toEqual([1, 2]);
    expect(parseSeriesText('[1.5, 2, 3]', { source }).values).toEqual([1.5, 2, 3]);
    expect(() => parseSeriesText('1\nx\n', { source })).toThrow('test line 2: Expected a number, got "x"');
    expect(() => parseSeriesText('[1]', { column: '1', source })).toThrow(SeriesOptionError);
  });

  it('reads a TCPD dataset, filling missing values by linear interpolation', () => {
    const dataset = { name: 'demo', series: [{ label: 'V1', raw: [null, 2, null, null, 8, null] }] };
    const read = parseSeriesText(JSON.stringify(dataset), { source });
    expect(read.name).toBe('demo');
    expect(read.values).toEqual([2, 2, 4, 6, 8, 8]);
    expect(read.filled).toBe(4);
  });

  it('asks which series of a multivariate TCPD dataset, by number or label', () => {
    const dataset = JSON.stringify({ name: 'run', series: [{ label: 'Pace', raw: [1, 2] }, { label: 'Distance', raw: [3, 4] }] });
    expect(() => parseSeriesText(dataset, { source })).toThrow(/holds 2 series \(Pace, Distance\); choose one with --column/);
    expect(parseSeriesText(dataset, { column: 'Distance', source }).values).toEqual([3, 4]);
    expect(parseSeriesText(dataset, { column: '1', source }).values).toEqual([1, 2]);
  });
});

describe('annotationsFor', () => {
  it('reads TCPD annotations by series, and one series alone', () => {
    const tcpd = { nile: { '6': [], '8': [28] }, bank: { '6': [] } };
    expect(annotationsFor(tcpd, 'nile')).toEqual({ series: 'nile', annotators: ['6', '8'], changepoints: [[], [28]] });
    expect(annotationsFor({ a: [3, 9], b: [4] })).toEqual({ annotators: ['a', 'b'], changepoints: [[3, 9], [4]] });
    expect(annotationsFor({ only: { x: [1] } })).toEqual({ series: 'only', annotators: ['x'], changepoints: [[1]] });
  });

  it('names the choices when the series is missing, and rejects bad indices', () => {
    expect(() => annotationsFor({ nile: { a: [] }, bank: { a: [] } })).toThrow(/a series named one of nile, bank/);
    expect(() => annotationsFor({ a: [1.5] })).toThrow(/integer indices >= 0/);
    expect(() => annotationsFor([])).toThrow(/annotations as/);
  });
});

describe('robustStandardization', () => {
  it('takes the marginal spread of an autocorrelated series, not its innovation scale', () => {
    // AR(1), rho 0.95, marginal sd 1: successive differences would suggest sqrt(1 - 0.95) = 0.22
    const random = createRandom(3);
    let x = 0;
    const xs = Array.from({ length: 20_000 }, () => (x = 0.95 * x + random.normal(0, Math.sqrt(1 - 0.95 ** 2))));
    const { scale } = robustStandardization(xs);
    expect(scale).toBeGreaterThan(0.85);
    expect(scale).toBeLessThan(1.15);
  });

  it('takes at least the long-run sd of moderately autocorrelated noise, which level shifts do not move', () => {
    // AR(1), rho 0.4, innovation sd 1: marginal sd 1 / sqrt(1 - 0.16) = 1.09, long-run sd 1 / (1 - 0.4) = 1.67
    const random = createRandom(7);
    let x = 0;
    const noise = Array.from({ length: 20_000 }, () => (x = 0.4 * x + random.normal(0, 1)));
    expect(longRunSd(noise)).toBeGreaterThan(1.67 * 0.93);
    expect(longRunSd(noise)).toBeLessThan(1.67 * 1.07);
    expect(robustStandardization(noise).scale).toBeCloseTo(longRunSd(noise), 10);
    // a shift of 4 every 500 observations inflates the marginal sd but barely the estimate from differences
    const shifted = noise.map((v, i) => v + (Math.floor(i / 500) % 2) * 4);
    expect(Math.abs(longRunSd(shifted) / longRunSd(noise) - 1)).toBeLessThan(0.03);
    // independent noise: the long-run sd is the sd
    const white = Array.from({ length: 20_000 }, () => random.normal(0, 2));
    expect(longRunSd(white)).toBeGreaterThan(2 * 0.93);
    expect(longRunSd(white)).toBeLessThan(2 * 1.07);
  });

  it('caps the long-run correction where the lag-1 estimate stops meaning noise (random walk, smooth curve)', () => {
    const random = createRandom(9);
    let walk = 0;
    const steps = Array.from({ length: 5000 }, () => (walk += random.normal(0, 1)));
    // rho held at 0.5: at most sqrt(3) times the sd of the differences
    expect(longRunSd(steps)).toBeLessThan(Math.sqrt(3) * 1.07);
    const curve = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 50));
    // a smooth curve: its differences are tiny, so its own spread (sd 0.71) sets the scale
    expect(longRunSd(curve)).toBeLessThan(0.05);
    expect(robustStandardization(curve).scale).toBeCloseTo(Math.SQRT1_2, 1);
    expect(longRunSd([4, 4, 4, 4])).toBe(0);
  });

  it('sees a smooth trend as spread, and is not moved by a few wild outliers', () => {
    const trend = Array.from({ length: 1000 }, (_, i) => 1e6 + 1000 * i);
    expect(robustStandardization(trend).scale).toBeCloseTo(1000 * Math.sqrt((1000 * 1000 - 1) / 12), -3);
    const random = createRandom(5);
    const noisy = Array.from({ length: 1000 }, (_, i) => (i % 250 === 0 ? 1e9 : random.normal(10, 2)));
    const { location, scale } = robustStandardization(noisy);
    expect(location).toBeCloseTo(10, 0);
    expect(scale).toBeLessThan(3);
  });

  it('falls back to the plain sd, then to 1, for repeated values', () => {
    expect(robustStandardization([5, 5, 5, 5, 9]).scale).toBeCloseTo(Math.sqrt(3.2), 10);
    expect(robustStandardization([7, 7, 7])).toEqual({ location: 7, scale: 1 });
  });
});
