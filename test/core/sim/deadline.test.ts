import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES } from '../../../shared/core/pricing/index.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import { defaultPlanners, simulate } from '../../../shared/core/sim/index.js';
import { bandwidthTrace } from '../../../shared/core/traces/index.js';

describe('the simulator at the deadline', () => {
  it('abandons a call at its batch deadline, as the scheduler does: no answer comes later, the rest are misses', () => {
    // 60 req/s for 20 s against an edge link that carries about 10 of them and two FC instances: a backlog.
    const arrivalsMs = Float64Array.from({ length: 1200 }, (_, i) => i * (1000 / 60));
    const run = simulate({
      arrivalsMs,
      durationMs: 20_000,
      bandwidth: bandwidthTrace([0], [2], 1000),
      profiles: DEFAULT_PROFILES,
      sloMs: 1000,
      policies: ['ours'],
      planners: defaultPlanners(DEFAULT_PRICES, { maxInstances: 2 }),
      options: { instanceLimit: 2, openingInstances: 2 },
    }).runs[0]!.result;
    expect(run.sloAttainment).toBeLessThan(0.9);
    expect(run.latencyMaxMs).toBeLessThanOrEqual(1000);
  });
});
