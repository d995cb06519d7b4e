/**
 * Detection quality on seeded piecewise-constant series (the bench reports the full table). Bounds are set
 * with margin below what the defaults achieve, so a regression in the recursion or the rule shows here.
 */
import { describe, expect, it } from 'vitest';
import { detectChangepoints } from '../../../shared/core/bocpd/index.js';
import { combineScores, piecewiseGaussian, piecewisePoisson, scoreDetections, type DetectionScore, type SyntheticSeries } from '../../../shared/core/bocpd/evaluation.js';
import { createRandom } from '../../../shared/core/random.js';

const SEGMENTS = { segments: 30, segmentLength: 300 };

function score(model: 'poisson' | 'gaussian', make: (seed: number) => SyntheticSeries): DetectionScore {
  return combineScores(
    [1, 2].map((seed) => {
      const series = make(seed);
      const { detections } = detectChangepoints(series.values, { model });
      return scoreDetections(detections, series.changes, series.values.length, 100);
    }),
  );
}

describe('detection quality, Poisson rate changes at 20 per bin', () => {
  const poisson = (factor: number) => score('poisson', (seed) => piecewisePoisson(createRandom(seed * 7 + factor), { ...SEGMENTS, baseRate: 20, factor }));

  it('4x and 2x: always detected within a couple of steps', () => {
    const four = poisson(4);
    expect(four.detectionRate).toBeGreaterThanOrEqual(0.98);
    expect(four.meanDelay).toBeLessThan(1);
    const two = poisson(2);
    expect(two.detectionRate).toBeGreaterThanOrEqual(0.98);
    expect(two.meanDelay).toBeLessThan(2.5);
    expect(two.meanLocationError).toBeLessThan(1);
  });

  it('1.5x and 1.25x: detected, with longer delays', () => {
    const half = poisson(1.5);
    expect(half.detectionRate).toBeGreaterThanOrEqual(0.95);
    expect(half.meanDelay).toBeLessThan(8);
    const quarter = poisson(1.25);
    expect(quarter.detectionRate).toBeGreaterThanOrEqual(0.85);
    expect(quarter.meanDelay).toBeLessThan(30);
  });

  it('stationary: few false alarms', () => {
    expect(poisson(1).falseAlarmsPer10k).toBeLessThan(5);
  });
});

describe('detection quality, Gaussian (log-bandwidth-like: mean 1.6, sd 0.3)', () => {
  const gaussian = (meanShift: number, sdFactor: number) =>
    score('gaussian', (seed) => piecewiseGaussian(createRandom(seed * 11 + meanShift * 3 + sdFactor), { ...SEGMENTS, mean: 1.6, sd: 0.3, meanShift, sdFactor }));

  it('mean shifts of 2 and 4 sd: always detected within a few steps', () => {
    const four = gaussian(4, 1);
    expect(four.detectionRate).toBeGreaterThanOrEqual(0.98);
    expect(four.meanDelay).toBeLessThan(2);
    const two = gaussian(2, 1);
    expect(two.detectionRate).toBeGreaterThanOrEqual(0.98);
    expect(two.meanDelay).toBeLessThan(6);
  });

  it('sd x4 and x2: detected', () => {
    expect(gaussian(0, 4).detectionRate).toBeGreaterThanOrEqual(0.95);
    expect(gaussian(0, 4).meanDelay).toBeLessThan(8);
    expect(gaussian(0, 2).detectionRate).toBeGreaterThanOrEqual(0.85);
  });

  it('stationary: few false alarms', () => {
    expect(gaussian(0, 1).falseAlarmsPer10k).toBeLessThan(8);
  });
});
