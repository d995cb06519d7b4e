import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArrivals, readBandwidth } from '../../../cli/traces-files.js';
import { DEFAULT_PRICES } from '../../../shared/core/pricing/index.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import { defaultPlanners, simulate } from '../../../shared/core/sim/index.js';
import { DATA } from '../../support/paths.js';

/**
 * Ten minutes of the Twitter hour (about 48 req/s) in the product's topology: the Orin behind a Norwegian 3G bus
 * link (about 4.5 Mbit/s), FC in the scheduler's region, SLO 99.9% within 1 s, the built-in profiles. The whole
 * hour on several links is `npm run bench -- simulate`.
 */
describe('ours on real traces', () => {
  it('answers far more in time than the prototype and its defaults, uses the edge, hedges, and re-plans rarely', () => {
    const arrivals = readArrivals(join(DATA, 'seed/workload/TW_may25_15-16.gz'), { seed: 1, window: { startS: 0, endS: 600 } });
    const bandwidth = readBandwidth(join(DATA, 'traces/bandwidth/pensieve/train/bus.ljansbakken-oslo-report.2010-09-30_1114CEST.log'));
    const result = simulate({
      arrivalsMs: arrivals.timesMs,
      durationMs: arrivals.durationMs,
      bandwidth: bandwidth.trace,
      profiles: DEFAULT_PROFILES,
      sloMs: 1000,
      policies: ['ours', 'seed', 'static', 'serverless-only'],
      planners: defaultPlanners(DEFAULT_PRICES),
    });
    const [ours, seed, fixed, serverlessOnly] = result.runs.map((run) => run.result);
    expect(ours!.sloAttainment).toBeGreaterThan(0.995);
    for (const other of [seed!, fixed!]) expect(ours!.sloAttainment).toBeGreaterThan(other.sloAttainment + 0.01);
    expect(ours!.edgeShare).toBeGreaterThan(0.1);
    expect(ours!.hedgesSent).toBeGreaterThan(0);
    expect(ours!.hedgesWon).toBeLessThanOrEqual(ours!.hedgesSent);
    // What the edge carries is paid for already, but hedges and warm instances are not: about what FC alone costs.
    expect(ours!.costTotalUsd).toBeLessThan(serverlessOnly!.costTotalUsd * 1.05);
    expect(ours!.replans).toBeLessThan(10);
  });
});
