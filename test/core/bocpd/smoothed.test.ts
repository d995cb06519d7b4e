/**
 * The smoothed posterior against brute force: on series short enough to list every segmentation, the
 * probability of a segment starting at t is summed over all of them (prior H^boundaries (1 - H)^others,
 * times each segment's marginal likelihood from the independent reference maths).
 */
import { describe, expect, it } from 'vitest';
import { createGaussianDetector, createPoissonDetector, detectChangepoints, segmentStartPosterior, smoothedChangepoints, type Detector } from '../../../shared/core/bocpd/index.js';
import { createRandom } from '../../../shared/core/random.js';
import { gaussianPredictiveLogPdf, poissonPredictiveLogPmf } from './reference.js';

const GAUSSIAN_PRIOR = { mean: 0, kappa: 1, alpha: 2, beta: 2 };
const POISSON_PRIOR = { shape: 1, rate: 0.1 };

/** ln p(segment) as the product of its sequential predictives from the prior. */
function segmentLog(xs: readonly number[], predictive: (history: readonly number[], x: number) => number): number {
  let total = 0;
  xs.forEach((x, i) => (total += predictive(xs.slice(0, i), x)));
  return total;
}

function bruteForce(xs: readonly number[], hazard: number, predictive: (history: readonly number[], x: number) => number): number[] {
  const n = xs.length;
  const marginal = new Array<number>(n).fill(0);
  let evidence = 0;
  for (let mask = 0; mask < 1 << (n - 1); mask += 1) {
    // bit t - 1 set: a segment starts at t
    const starts = [0];
    for (let t = 1; t < n; t += 1) if (mask & (1 << (t - 1))) starts.push(t);
    let log = (starts.length - 1) * Math.log(hazard) + (n - starts.length) * Math.log(1 - hazard);
    starts.forEach((start, k) => (log += segmentLog(xs.slice(start, starts[k + 1] ?? n), predictive)));
    const weight = Math.exp(log);
    evidence += weight;
    for (const t of starts.slice(1)) marginal[t]! += weight;
  }
  return marginal.map((m) => m / evidence);
}

function logPredictives(make: () => Detector, xs: readonly number[], backwards: boolean): number[] {
  const detector = make();
  const out = new Array<number>(xs.length);
  for (let k = 0; k < xs.length; k += 1) {
    const i = backwards ? xs.length - 1 - k : k;
    detector.step(xs[i]!);
    out[i] = detector.logPredictive;
  }
  return out;
}

describe('smoothed posterior (forward and backward runs)', () => {
  it('equals brute force over every segmentation, Gaussian', () => {
    const xs = [0.1, -0.3, 0.2, 2.4, 2.9, 2.2, 2.6, -0.5, 0.3, 0.0];
    const make = () => createGaussianDetector({ prior: GAUSSIAN_PRIOR, expectedSegmentLength: 5, maxRunLengths: Infinity, pruneThreshold: 0 });
    const posterior = segmentStartPosterior(logPredictives(make, xs, false), logPredictives(make, xs, true), 1 / 5);
    const expected = bruteForce(xs, 1 / 5, (history, x) => gaussianPredictiveLogPdf(GAUSSIAN_PRIOR, history, x));
    expected.forEach((p, t) => expect(Math.abs(posterior[t]! - p)).toBeLessThan(1e-9));
    expect(posterior[3]).toBeGreaterThan(0.5); // the jump, though 10 points leave room for doubt
  });

  it('equals brute force over every segmentation, Poisson', () => {
    const xs = [3, 5, 4, 2, 14, 11, 15, 12, 13, 4, 3];
    const make = () => createPoissonDetector({ prior: POISSON_PRIOR, expectedSegmentLength: 8, maxRunLengths: Infinity, pruneThreshold: 0 });
    const posterior = segmentStartPosterior(logPredictives(make, xs, false), logPredictives(make, xs, true), 1 / 8);
    const expected = bruteForce(xs, 1 / 8, (history, x) => poissonPredictiveLogPmf(POISSON_PRIOR, history, x));
    expected.forEach((p, t) => expect(Math.abs(posterior[t]! - p)).toBeLessThan(1e-9));
  });
});

describe('changes read from the smoothed posterior', () => {
  it('reports a change where the mass within half the spacing reaches the threshold, once', () => {
    const posterior = new Float64Array(40);
    posterior.set([0.2, 0.3, 0.25], 10); // 0.75 around 11
    posterior.set([0.1, 0.1, 0.1], 20); // 0.3: not enough
    posterior[30] = 0.6;
    expect(smoothedChangepoints(posterior, 0.5, 10)).toEqual([
      { index: 11, probability: 0.75 },
      { index: 30, probability: 0.6 },
    ]);
    // a tighter neighbourhood (spacing 2: h = 1) still gathers 11's mass, not 25's
    expect(smoothedChangepoints(posterior, 0.5, 2).map((c) => c.index)).toEqual([11, 30]);
  });

  it('places a change at the median of its mass, not at the most probable index', () => {
    const posterior = new Float64Array(40);
    // the peak at 10, but most of the mass after it: half of 0.8 is reached at 12
    posterior.set([0.3, 0.05, 0.15, 0.2, 0.1], 10);
    expect(smoothedChangepoints(posterior, 0.5, 10)).toEqual([{ index: 12, probability: expect.closeTo(0.8, 12) }]);
  });

  it('finds a level shift in a seeded series, and nothing in a stationary one', () => {
    const random = createRandom(8);
    const step = [...Array.from({ length: 150 }, () => random.normal(0, 1)), ...Array.from({ length: 150 }, () => random.normal(3, 1))];
    const found = detectChangepoints(step, { model: 'gaussian', standardize: true, rule: 'smoothed', maxRunLengths: Infinity });
    expect(found.changepoints).toHaveLength(1);
    expect(Math.abs(found.changepoints[0]! - 150)).toBeLessThanOrEqual(2);
    expect(found.detections[0]!.probability).toBeGreaterThan(0.9);
    const flat = Array.from({ length: 300 }, () => random.normal(0, 1));
    expect(detectChangepoints(flat, { model: 'gaussian', standardize: true, rule: 'smoothed' }).changepoints).toEqual([]);
  });
});
