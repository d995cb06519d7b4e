import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES } from '../../../shared/core/pricing/index.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import { checkAttainmentModel } from '../../../shared/core/sim/index.js';

/**
 * The attainment the planner promises an operator (`edgebatch plan`, the plan's `predicted`) is what the simulator,
 * running the real queue with the Orin's measured spread behind a link that binds, then delivers: steady Poisson
 * streams in the product's topology (the edge behind a 2 or 4.5 Mbit/s link, FC in the scheduler's region).
 */
describe("the planner's attainment model", () => {
  it('predicts what the simulator measures on steady streams over a binding edge link, within 1.5 points', () => {
    for (const [rateRps, linkMbps] of [
      [20, 2],
      [48, 2],
      [20, 4.5],
      [48, 4.5],
    ] as const) {
      for (const seed of [1, 2]) {
        const check = checkAttainmentModel({ rateRps, linkMbps, sloMs: 1000, durationMs: 300_000, profiles: DEFAULT_PROFILES, prices: DEFAULT_PRICES, seed });
        expect(Math.abs(check.predicted - check.simulated), `${rateRps} req/s over ${linkMbps} Mbit/s, seed ${seed}: ${JSON.stringify(check)}`).toBeLessThan(0.015);
      }
    }
  });
});
