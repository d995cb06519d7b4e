import { describe, expect, it } from 'vitest';
import { softmax, textMapSummary, topK } from '../../shared/model/postprocess.js';

describe('softmax', () => {
  it('matches values computed by hand (e^1, e^2, e^3 over their sum)', () => {
    // 1 / (1 + e + e^2) = 0.0900305732, e / (...) = 0.2447284711, e^2 / (...) = 0.6652409558
    const out = softmax([1, 2, 3]);
    expect(out[0]).toBeCloseTo(0.0900305732, 9);
    expect(out[1]).toBeCloseTo(0.2447284711, 9);
    expect(out[2]).toBeCloseTo(0.6652409558, 9);
  });

  it('stays finite for large logits', () => {
    const out = softmax([1000, 1000]);
    expect([...out]).toEqual([0.5, 0.5]);
  });
});

describe('topK', () => {
  it('returns the k best with labels, best first, ties by class index', () => {
    expect(topK([0.1, 0.5, 0.1, 0.3], 3, ['a', 'b', 'c', 'd'])).toEqual([
      { label: 'b', score: 0.5 },
      { label: 'd', score: 0.3 },
      { label: 'a', score: 0.1 },
    ]);
  });

  it('uses class indices without labels and clamps k to the class count', () => {
    expect(topK([0.2, 0.8], 5, undefined)).toEqual([
      { label: '1', score: 0.8 },
      { label: '0', score: 0.2 },
    ]);
  });
});

describe('textMapSummary', () => {
  it('reports the peak probability and the share of pixels at or above the threshold', () => {
    expect(textMapSummary([0.1, 0.3, 0.95, 0.2], 0.3)).toEqual([
      { label: 'text', score: 0.95 },
      { label: 'text-area', score: 0.5 },
    ]);
  });

  it('reports no text for an empty map or one below the threshold', () => {
    expect(textMapSummary([], 0.3)).toEqual([
      { label: 'text', score: 0 },
      { label: 'text-area', score: 0 },
    ]);
    expect(textMapSummary([0.1, 0.2], 0.3)[1]).toEqual({ label: 'text-area', score: 0 });
  });
});
