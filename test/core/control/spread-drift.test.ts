import { describe, expect, it } from 'vitest';
import { ReplanController, type ControllerPlanRequest } from '../../../shared/core/control/index.js';
import { createRandom } from '../../../shared/core/random.js';
import type { Plan } from '../../../shared/core/types.js';
import { recordingPlanner } from './controller-drive.js';

/** A planner whose serverless batch counts the spread points below half the median: its plan follows the link's dips. */
function spreadPlanner() {
  const { planner } = recordingPlanner();
  const requests: ControllerPlanRequest[] = [];
  const plan = (request: ControllerPlanRequest): Plan => {
    requests.push(request);
    const base = planner({ ...request, bandwidthMbps: { ...request.bandwidthMbps, serverless: 12 } });
    const dips = (request.linkSpread?.serverless ?? []).filter((point) => point < 0.5).length;
    return { ...base, lanes: { ...base.lanes, serverless: { ...base.lanes.serverless, batchSize: 1 + dips } } };
  };
  return { plan, requests };
}

describe('ReplanController and a link whose spread changes at the same level', () => {
  it('re-plans once the spread the plan priced has moved (the link started dipping), with no level change', () => {
    const { plan, requests } = spreadPlanner();
    const controller = new ReplanController({ planner: plan });
    const random = createRandom(7);
    const replans: Array<{ second: number; reason: string }> = [];
    for (let s = 0; s < 900; s++) {
      const nowMs = (s + 1) * 1000;
      controller.observeArrivals(random.poisson(30), 1000, nowMs);
      controller.observeBandwidth('edge', 100, nowMs);
      // Steady at 12 Mbit/s, then from 300 s one second in six at a quarter of that.
      const mbps = s >= 300 && s % 6 === 0 ? 3 : 12;
      controller.observeBandwidth('serverless', mbps * Math.exp(random.normal(0, 0.05)), nowMs);
      const decided = controller.decide(nowMs);
      if (decided) replans.push({ second: s, reason: decided.reason });
    }
    const last = requests.at(-1)!;
    expect(last.linkSpread?.serverless?.[0]).toBeLessThan(0.5);
    expect(replans.some((r) => r.second >= 300 && r.reason === 'bandwidth-change')).toBe(true);
  });
});
