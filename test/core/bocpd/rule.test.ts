import { describe, expect, it } from 'vitest';
import {
  createChangepointRule,
  detectChangepoints,
  restoreChangepointRule,
  robustStandardization,
  type StepOutput,
} from '../../../shared/core/bocpd/index.js';
import { createRandom } from '../../../shared/core/random.js';

function step(index: number, changeProbability: number, recentRunLength: number): StepOutput {
  return { index, changeProbability, recentRunLength, mapRunLength: recentRunLength, predictiveMean: 0, logPredictive: 0 };
}

describe('ChangepointRule', () => {
  it('reports a change once, where its most probable recent run began', () => {
    const rule = createChangepointRule({ threshold: 0.5, minSpacing: 10 });
    expect(rule.observe(step(99, 0.2, 3))).toBeUndefined();
    expect(rule.observe(step(100, 0.7, 4))).toEqual({ index: 97, detectedAt: 100, probability: 0.7 });
    // the same change on the next steps, and a refined location a little earlier: not again
    expect(rule.observe(step(101, 0.9, 5))).toBeUndefined();
    expect(rule.observe(step(102, 0.95, 8))).toBeUndefined();
    expect(rule.observe(step(120, 0.9, 15))).toBeUndefined(); // 106 < 97 + 10
    expect(rule.observe(step(121, 0.9, 14))?.index).toBe(108);
    expect(rule.lastChange).toBe(108);
  });

  it('ignores steps with no recent run even at high probability, and validates its options', () => {
    const rule = createChangepointRule();
    expect(rule.observe(step(5, 1, 0))).toBeUndefined();
    expect(() => createChangepointRule({ threshold: 0 })).toThrow('Expected threshold in (0, 1], got 0');
    expect(() => createChangepointRule({ minSpacing: 0.5 })).toThrow(/minSpacing/);
  });

  it('resumes from its record', () => {
    const rule = createChangepointRule({ threshold: 0.6, minSpacing: 5 });
    rule.observe(step(50, 0.8, 2));
    const resumed = restoreChangepointRule(JSON.parse(JSON.stringify(rule.toRecord())));
    expect(resumed.observe(step(52, 0.9, 1))).toBeUndefined(); // 52 < 49 + 5
    expect(resumed.observe(step(60, 0.9, 1))?.index).toBe(60);
  });
});

describe('detectChangepoints', () => {
  it('finds the changes of a Poisson series at their indices', () => {
    const random = createRandom(3);
    const xs = [...Array.from({ length: 300 }, () => random.poisson(20)), ...Array.from({ length: 300 }, () => random.poisson(60)), ...Array.from({ length: 300 }, () => random.poisson(20))];
    const result = detectChangepoints(xs, { model: 'poisson', keepOutputs: true });
    // Both true changes, found on the spot; this seed also has one false alarm at a burst of 27, 35, 33
    // (3 sd above the rate of 20) around index 214, which the default threshold lets through.
    expect(result.detections.filter((d) => Math.abs(d.index - 300) <= 1 && d.detectedAt - 300 <= 1)).toHaveLength(1);
    expect(result.detections.filter((d) => Math.abs(d.index - 600) <= 1 && d.detectedAt - 600 <= 1)).toHaveLength(1);
    expect(result.changepoints.length).toBeLessThanOrEqual(3);
    expect(detectChangepoints(xs, { model: 'poisson', threshold: 0.9 }).changepoints).toEqual([300, 600]);
    expect(result.outputs).toHaveLength(900);
  });

  it('standardises Gaussian input, so any unit works with the default prior', () => {
    const random = createRandom(4);
    // bytes per second around 5e6 with a level shift: hopeless on the raw scale without a matching prior
    const xs = [...Array.from({ length: 400 }, () => random.normal(5e6, 2e5)), ...Array.from({ length: 400 }, () => random.normal(6e6, 2e5))];
    const { location, scale } = robustStandardization(xs);
    expect(location).toBeGreaterThan(5e6);
    expect(location).toBeLessThan(6e6);
    // the series' marginal spread, shift included: sqrt(0.2^2 + 0.5^2) e6 = 5.4e5
    expect(scale).toBeGreaterThan(5e5);
    expect(scale).toBeLessThan(5.8e5);
    const result = detectChangepoints(xs, { model: 'gaussian', standardize: true });
    expect(result.changepoints).toHaveLength(1);
    expect(Math.abs(result.changepoints[0]! - 400)).toBeLessThanOrEqual(2);
    expect(result.standardization).toEqual({ location, scale });
  });

  it('rejects bad input with the observation index', () => {
    expect(() => detectChangepoints([1, 2, 3.5], { model: 'poisson' })).toThrow('Observation 2: Expected a count (an integer >= 0), got 3.5');
    expect(() => detectChangepoints([1, 2], { model: 'poisson', standardize: true })).toThrow(/gaussian/);
    expect(() => detectChangepoints([1, 2], { model: 'poisson', exposures: [1] })).toThrow(/2 exposures/);
  });
});
