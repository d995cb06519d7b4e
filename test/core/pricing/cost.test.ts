import { describe, expect, it } from 'vitest';
import { activeCuPerSecond, coldStartCostUsd, edgeCostUsd, serverlessCallCostUsd } from '../../../shared/core/pricing/cost.js';
import { DEFAULT_PRICES } from '../../../shared/core/pricing/prices.js';

describe('FC 3.0 CU cost model', () => {
  it('matches the documented worked example: 1 vCPU + 2 GB = 1.3 CU/s = USD 0.000026/s', () => {
    const config = { memoryMb: 2048, cpu: 1 };
    expect(activeCuPerSecond(DEFAULT_PRICES, config)).toBeCloseTo(1.3, 12);
    // 1 s of run time plus the per-call fee of 75 CU / 10,000 calls at USD 0.00002/CU.
    expect(serverlessCallCostUsd(DEFAULT_PRICES, config, 1000)).toBeCloseTo(0.000026 + 0.0075 * 0.00002, 15);
    expect(coldStartCostUsd(DEFAULT_PRICES, config, 2000)).toBeCloseTo(0.000052, 15);
  });

  it('prices a million calls at USD 0.15 in fees alone, and the edge by the hour', () => {
    expect(serverlessCallCostUsd(DEFAULT_PRICES, { memoryMb: 1024, cpu: 0.5 }, 0) * 1e6).toBeCloseTo(0.15, 10);
    expect(edgeCostUsd(DEFAULT_PRICES, 3_600_000)).toBe(DEFAULT_PRICES.edgeUsdPerHour.value);
    for (const price of Object.values(DEFAULT_PRICES)) {
      expect(price.unit).not.toBe('');
      expect(price.source).not.toBe('');
      expect(price.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(() => serverlessCallCostUsd(DEFAULT_PRICES, { memoryMb: 1024, cpu: 0.5 }, -1)).toThrow(/Expected a call duration/);
  });
});
