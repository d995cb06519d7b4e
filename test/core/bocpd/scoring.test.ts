/** Scoring annotated series end to end, and the detector comparison the bench's pruning-error figure uses. */
import { describe, expect, it } from 'vitest';
import { createPoissonDetector } from '../../../shared/core/bocpd/index.js';
import { worstDifference } from '../../../shared/core/bocpd/compare-detectors.js';
import { detectionF1, levelSeries } from '../../../shared/core/bocpd/evaluation.js';
import { meanScore, scoreSeries } from '../../../shared/core/bocpd/scoring.js';
import { shapedSet } from '../../../shared/core/bocpd/shaped-series.js';
import { createRandom } from '../../../shared/core/random.js';

describe('scoring annotated series', () => {
  it('a clean level shift found where two annotators put it scores F1 1 and cover near 1', () => {
    const random = createRandom(2);
    const values = Array.from({ length: 200 }, (_, i) => random.normal(i < 120 ? 0 : 5, 1));
    const score = scoreSeries({ name: 'step', values, annotations: [[120], [118]] }, { rule: 'smoothed' });
    expect(score.changepoints).toEqual([120]);
    expect(score.f1).toBe(1);
    expect(score.cover).toBeGreaterThan(0.98);
    expect(meanScore([score, { ...score, f1: 0.5, cover: 0.5 }])).toEqual({ f1: 0.75, cover: (score.cover + 0.5) / 2, series: 2 });
  });

  it('the shaped set holds every shape for each seed, with shifts only where the shape has them', () => {
    const set = shapedSet(createRandom, [1, 2]);
    expect(set).toHaveLength(10);
    expect(set.filter((s) => s.name.startsWith('null')).every((s) => s.annotations[0]!.length === 0)).toBe(true);
    expect(set.filter((s) => !s.name.startsWith('null')).every((s) => s.annotations[0]!.length >= 2)).toBe(true);
  });

  it('detection F1 counts matched detections against misses and false alarms', () => {
    expect(detectionF1({ changes: 10, detected: 8, falseAlarms: 2 } as Parameters<typeof detectionF1>[0])).toBeCloseTo(16 / 20, 12);
  });
});

describe('worstDifference', () => {
  it('is 0 between identical detectors and positive when one prunes hard', () => {
    const values = levelSeries(createRandom(4), 'poisson', 3000, 200);
    expect(worstDifference(createPoissonDetector(), createPoissonDetector(), values).changeProbability).toBe(0);
    const hard = worstDifference(createPoissonDetector({ maxRunLengths: 2 }), createPoissonDetector({ maxRunLengths: Infinity, pruneThreshold: 0 }), values);
    expect(hard.changeProbability).toBeGreaterThan(0);
    expect(hard.referenceHypotheses).toBeGreaterThan(100);
  });
});
