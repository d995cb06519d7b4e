import { describe, expect, it } from 'vitest';
import { RecentLinkEstimate } from '../../../shared/core/control/index.js';

describe('RecentLinkEstimate', () => {
  it('is the segment estimate until samples say the link is slower now', () => {
    const link = new RecentLinkEstimate(3);
    expect(link.estimate(20)).toBe(20);
    for (const mbps of [30, 25, 35]) link.add(mbps);
    expect(link.estimate(20)).toBe(20); // faster lately: wait for the changepoint
    for (const mbps of [5, 4, 0]) link.add(mbps);
    expect(link.estimate(20)).toBeCloseTo(3, 12); // a dip: the mean of the last three
    link.add(Number.NaN);
    link.add(-1);
    expect(link.estimate(20)).toBeCloseTo(3, 12); // bad samples are ignored
  });
});
