/**
 * The TCPD evaluation metrics. Expected values are worked by hand, and (marked) the examples that come with
 * the benchmark's reference implementation (alan-turing-institute/TCPDBench, analysis/scripts/metrics.py).
 */
import { describe, expect, it } from 'vitest';
import { countTruePositives, f1Score } from '../../../shared/core/bocpd/metrics/f1.js';
import { coverSingle, covering, segmentBounds } from '../../../shared/core/bocpd/metrics/covering.js';

describe('F1 with margin (van den Burg and Williams 2020)', () => {
  it('matches each true point to at most one detection and each detection to at most one point', () => {
    // TCPDBench examples: TP({1, 10, 20, 23}, X) = {1, 10, 20} for these X.
    expect(countTruePositives([1, 10, 20, 23], [3, 8, 20], 5)).toBe(3);
    expect(countTruePositives([1, 10, 20, 23], [1, 3, 8, 20], 5)).toBe(3);
    expect(countTruePositives([1, 10, 20, 23], [1, 3, 5, 8, 20], 5)).toBe(3);
    expect(countTruePositives([], [1, 2, 3], 5)).toBe(0);
    expect(countTruePositives([1, 2, 3], [], 5)).toBe(0);
    // By hand: two true points, one detection between them: only one match.
    expect(countTruePositives([10, 14], [12], 5)).toBe(1);
    // The margin is inclusive.
    expect(countTruePositives([10], [15], 5)).toBe(1);
    expect(countTruePositives([10], [16], 5)).toBe(0);
  });

  it('gives the reference implementation values', () => {
    expect(f1Score([[10, 20], [11, 20], [10], [0, 5]], [10, 20]).f1).toBe(1);
    expect(f1Score([[], [10], [50]], [10]).f1).toBeCloseTo(0.9090909090909091, 15);
    expect(f1Score([[], [10], [50]], []).f1).toBeCloseTo(0.8, 15);
  });

  it('gives hand-checked values', () => {
    // X = {0, 48, 90}, T = {0, 50}: P = 2/3, R = 1, F1 = 0.8.
    const one = f1Score([[50]], [48, 90]);
    expect(one.precision).toBeCloseTo(2 / 3, 15);
    expect(one.recall).toBe(1);
    expect(one.f1).toBeCloseTo(0.8, 15);
    // Two annotators {0, 30} and {0, 30, 70}; X = {0, 33}: P = 1, R = (2/2 + 2/3)/2 = 5/6, F1 = 10/11.
    const two = f1Score([[30], [30, 70]], [33]);
    expect(two.precision).toBe(1);
    expect(two.recall).toBeCloseTo(5 / 6, 15);
    expect(two.f1).toBeCloseTo(10 / 11, 15);
    // Nothing annotated, nothing detected: perfect; nothing annotated, 3 detections: P = 1/4, R = 1.
    expect(f1Score([[]], []).f1).toBe(1);
    expect(f1Score([[]], [20, 40, 60]).f1).toBeCloseTo((2 * 0.25) / 1.25, 15);
  });
});

describe('covering (Arbelaez et al. 2011, averaged over annotators)', () => {
  it('turns changepoints into segment bounds, ignoring 0 and points outside the series', () => {
    expect(segmentBounds([], 5)).toEqual([0, 5]);
    expect(segmentBounds([5, 3], 8)).toEqual([0, 3, 5, 8]);
    expect(segmentBounds([0, 4, 4, 9], 6)).toEqual([0, 4, 6]);
  });

  it('gives the reference implementation values for single coverings (its sets shifted to start at 0)', () => {
    expect(coverSingle([0, 3, 5, 6], [0, 3, 6])).toBeCloseTo(0.8333333333333334, 15);
    expect(coverSingle([0, 4, 6], [0, 6])).toBeCloseTo(0.6666666666666666, 15);
    expect(coverSingle([0, 2, 4, 6], [0, 3, 6])).toBeCloseTo(0.6666666666666666, 15);
    expect(coverSingle([0, 6], [0, 1, 2, 3, 6])).toBeCloseTo(0.3333333333333333, 15);
  });

  it('gives the reference implementation values averaged over annotators', () => {
    expect(covering([[10, 20], [10], [0, 5]], [10, 20], 45)).toBeCloseTo(0.7962962962962963, 15);
    expect(covering([[], [10], [40]], [10], 45)).toBeCloseTo(0.7954144620811286, 15);
    expect(covering([[], [10], [40]], [], 45)).toBeCloseTo(0.8189300411522634, 15);
  });

  it('gives hand-checked values', () => {
    // Truth [0,5) [5,10) covered by one segment [0,10): J = 1/2 each, C = 0.5.
    expect(covering([[5]], [], 10)).toBe(0.5);
    // Truth [0,10) covered by [0,4) [4,10): best J = 6/10, C = 0.6.
    expect(covering([[]], [4], 10)).toBeCloseTo(0.6, 15);
    // Exact segmentation: 1.
    expect(covering([[3, 7]], [3, 7], 10)).toBe(1);
  });
});
