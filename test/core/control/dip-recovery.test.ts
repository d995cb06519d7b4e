import { describe, expect, it } from 'vitest';
import { ReplanController } from '../../../shared/core/control/index.js';
import { createRandom } from '../../../shared/core/random.js';
import { recordingPlanner } from './controller-drive.js';

/** Drives a controller second by second on a steady rate and a link following `mbpsAt`; returns each re-plan with the link level it planned for. */
function driveLink(controller: ReplanController, seconds: number, mbpsAt: (s: number) => number, from = 0) {
  const random = createRandom(from + 1);
  const replans: Array<{ second: number; reason: string; mbps: number }> = [];
  for (let s = from; s < from + seconds; s++) {
    const nowMs = (s + 1) * 1000;
    controller.observeArrivals(random.poisson(30), 1000, nowMs);
    controller.observeBandwidth('edge', 100, nowMs);
    controller.observeBandwidth('serverless', mbpsAt(s) * Math.exp(random.normal(0, 0.05)), nowMs);
    const decided = controller.decide(nowMs);
    if (decided) replans.push({ second: s, reason: decided.reason, mbps: decided.plan.bandwidthMbps.serverless });
  }
  return replans;
}

const within = (x: number, level: number, relative: number) => Math.abs(x - level) / level <= relative;

describe('ReplanController on a link that dips and recovers', () => {
  it('reports the dip and the recovery as two changes, and estimates each regime at its own level', () => {
    const controller = new ReplanController({ planner: recordingPlanner().planner });
    const dip = (s: number) => (s >= 300 && s < 320 ? 3 : 12);
    driveLink(controller, 312, dip);
    // Within the dip: the dip's level.
    expect(within(controller.estimates.bandwidthMbps.serverless, 3, 0.1)).toBe(true);
    driveLink(controller, 48, dip, 312);
    const changes = controller.changepoints.filter((c) => c.kind === 'serverless').map((c) => c.atMs / 1000);
    expect(changes).toHaveLength(2);
    expect(Math.abs(changes[0]! - 300)).toBeLessThanOrEqual(2);
    expect(Math.abs(changes[1]! - 320)).toBeLessThanOrEqual(2);
    // After the recovery the estimate is the recovered level, not a mean over the dip and the recovery.
    expect(within(controller.estimates.bandwidthMbps.serverless, 12, 0.05)).toBe(true);
  });

  it('re-plans once for the dip and once back on the recovery, never on a mixed estimate', () => {
    const controller = new ReplanController({ planner: recordingPlanner().planner });
    const replans = driveLink(controller, 600, (s) => (s >= 300 && s < 320 ? 3 : 12));
    const afterDip = replans.filter((r) => r.second >= 300);
    expect(afterDip.map((r) => r.reason)).toEqual(['bandwidth-change', 'bandwidth-change']);
    expect(within(afterDip[0]!.mbps, 3, 0.1)).toBe(true);
    expect(afterDip[0]!.second).toBeLessThan(306);
    expect(within(afterDip[1]!.mbps, 12, 0.1)).toBe(true);
    // Back promptly: within the drift's confirmation of a level the link's spread has shown, well before a mean
    // spanning both regimes would have doubled.
    expect(afterDip[1]!.second).toBeLessThan(335);
  });

  it('once the link has shown that it dips, plans for a short dip only if it lasts', () => {
    const controller = new ReplanController({ planner: recordingPlanner().planner });
    // Four-second dips every forty seconds for twenty minutes, then one dip that lasts a minute.
    const mbpsAt = (s: number) => (s >= 1196 && s < 1260 ? 3 : s % 40 >= 36 ? 3 : 12);
    const replans = driveLink(controller, 1320, mbpsAt);
    const shortDips = replans.filter((r) => r.second > 0 && r.second < 1196);
    // Thirty dips. Each new to the plan is planned for and back (two re-plans), as is a dip a little deeper than the
    // spread's low point; the rest are not: fewer re-plans than dips, where a mean spanning dip and recovery
    // re-planned about twice per dip.
    expect(shortDips.length).toBeLessThan(30);
    // The lasting dip is planned for once it has lasted.
    const lasting = replans.find((r) => r.second >= 1196 && r.second < 1260);
    expect(lasting && within(lasting.mbps, 3, 0.15)).toBe(true);
  });
});
