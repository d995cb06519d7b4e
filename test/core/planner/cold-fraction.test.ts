import { describe, expect, it } from 'vitest';
import { serverlessAt, serverlessColdFraction, serverlessOptions } from '../../../shared/core/planner/lane-choices.js';
import { plannerInput } from './fixtures.js';

describe('serverlessColdFraction', () => {
  it("is serverlessAt's cold fraction, bit for bit, and undefined exactly where its load is past the instance limit", () => {
    let limited = 0;
    for (const maxInstances of [3, 300]) {
      for (const rateHigh of [1, 1.5]) {
        const base = plannerInput(48, 20, 1000);
        const input = { ...base, rateHighRps: 48 * rateHigh, bounds: { ...base.bounds, maxInstances } };
        for (const option of serverlessOptions(input)) {
          for (const rate of [0.5, 12, 48, 200]) {
            for (const batch of [1, 4, 16]) {
              for (const timeoutMs of [0, 100, 1000]) {
                for (const warm of [0, 2, 10]) {
                  const full = serverlessAt(input, option, batch, timeoutMs, rate, warm);
                  const cold = serverlessColdFraction(input, option, batch, timeoutMs, rate, warm);
                  if (full.load === Infinity) {
                    limited += 1;
                    expect(cold).toBeUndefined();
                  } else expect(cold).toBe(full.coldFraction);
                }
              }
            }
          }
        }
      }
    }
    // The grid reaches the limit as well as staying within it.
    expect(limited).toBeGreaterThan(0);
  });
});
