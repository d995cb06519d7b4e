import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES } from '../../../shared/core/planner/input.js';
import { planSeed, SEED, seedChoice } from '../../../shared/core/planner/seed.js';
import { DEFAULT_PRICES } from '../../../shared/core/pricing/prices.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';

describe('seed (the prototype planner)', () => {
  it('SLO 1 s: b* = 50 (l_e(50) = 0.451 <= 0.5 < l_e(60) = 0.532), critical rate 100', () => {
    expect(SEED.edgeLatencyS(50)).toBeLessThanOrEqual(0.5);
    expect(SEED.edgeLatencyS(60)).toBeGreaterThan(0.5);
    // R = 100 is still edge only; the largest b with l_e(b) + b/R <= 1 and l_e(b) <= b/R is 50.
    expect(seedChoice(100, 1, 2.5)).toMatchObject({ mode: 'edge-only', edgeBatch: 50, serverlessBatch: 0, edgeShare: 1 });
  });

  it('R = 48: edge only with b = 30 (0.287 + 0.625 <= 1; b = 40 gives 0.369 + 0.833 > 1)', () => {
    expect(seedChoice(48, 1, 2.5)).toMatchObject({ mode: 'edge-only', edgeBatch: 30 });
  });

  it('R = 200, B = 2.5 MB/s: edge 50, serverless b = 3 at 1024 MB (worked by hand below)', () => {
    // R1 = 100. At 1024 MB, cost order by l_s(b) ceil(100/b): b=20 (15.2) > limit, 10/15 (16.3) too slow,
    // b=5: 0.921 + 0.05 + 0.39 > 1, b=4: 0.780 + 0.04 + 0.3125 > 1, b=3: 0.639 + 0.03 + 0.234 = 0.903 <= 1.
    // Larger memories cost m/1024 times more for a 9 ms gain, so every 1024 MB candidate comes first.
    const choice = seedChoice(200, 1, 2.5);
    expect(choice).toMatchObject({ mode: 'split', edgeBatch: 50, serverlessBatch: 3, memoryMb: 1024 });
    expect(choice.edgeShare).toBeCloseTo(0.5, 12);
  });

  it('falls back to the defaults where the prototype raised', () => {
    expect(seedChoice(10, 0.05, 2.5).mode).toBe('fallback'); // no edge batch meets SLO/2
    expect(seedChoice(0, 1, 2.5).mode).toBe('fallback'); // ZeroDivisionError at R = 0
    expect(seedChoice(500, 1, 0.01)).toMatchObject({ mode: 'fallback', edgeBatch: 20, serverlessBatch: 2, memoryMb: 1024 });
  });

  it('planSeed returns a seed Plan with the 0.4 s timeout and predictions from our model', () => {
    const result = planSeed({
      rateRps: 200,
      bandwidthMbps: { edge: 100, serverless: 20 },
      rttMs: { edge: 2, serverless: 30 },
      payloadBytes: DEFAULT_PAYLOAD_BYTES,
      sloMs: 1000,
      sloTarget: 0.999,
      profiles: DEFAULT_PROFILES,
      prices: DEFAULT_PRICES,
      bounds: DEFAULT_BOUNDS,
      nowMs: 5,
      reason: 'periodic',
    });
    expect(result.policy).toBe('seed');
    expect(result.lanes.edge).toEqual({ batchSize: 50, timeoutMs: 400, share: 0.5 });
    expect(result.lanes.serverless).toEqual({ batchSize: 3, timeoutMs: 400, share: 0.5 });
    expect(result.serverless).toEqual({ memoryMb: 1024, cpu: 0.5 });
    expect(result.predicted.p99LatencyMs.edge).toBeGreaterThan(0);
  });
});
