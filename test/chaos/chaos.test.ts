/**
 * CI-sized chaos: the local stack (FC lane through the FC API stand-in and the real SDK, state in the
 * Tablestore stand-in) under 40 s of the bundled Twitter trace at a low rate, while the edge agent is killed
 * and restarted, the inference function fails and stalls, and the store stalls and fails. Nothing may be lost
 * or answered twice; traffic must move to serverless while the edge is dead and return to it after.
 * The full run is `npm run chaos` (120 s).
 */
import { BUNDLED_ARRIVALS, BUNDLED_EDGE_LINK } from '../../cli/bundled-assets.js';
import { describe, expect, it } from 'vitest';
import { runChaos, type ChaosReport } from '../../cli/chaos/run-chaos.js';
import { chaosSchedule } from '../../cli/chaos/schedule.js';
import { loadImages } from '../../cli/loadgen/images.js';
import { readArrivals, readBandwidth } from '../../cli/traces-files.js';

const DURATION_MS = 40_000;

describe('chaos on the local stack (CI subset)', () => {
  it('loses nothing, answers nothing twice, and moves traffic off the dead edge and back', async () => {
    const report: ChaosReport = await runChaos({
      arrivalsMs: readArrivals(BUNDLED_ARRIVALS, { seed: 1, rateScale: 0.12 }).timesMs,
      edgeLink: readBandwidth(BUNDLED_EDGE_LINK).trace,
      images: loadImages(),
      durationMs: DURATION_MS,
      sloMs: 1000,
      schedule: chaosSchedule(DURATION_MS),
      drainMs: 10_000,
    });
    const context = JSON.stringify({ tally: report.tally, dead: report.whileEdgeDead, back: report.afterEdgeBack, timeline: report.timeline });
    expect(report.steps.filter((step) => step.error), context).toEqual([]);
    expect(report.steps).toHaveLength(chaosSchedule(DURATION_MS).length);
    expect(report.tally.sent, context).toBeGreaterThan(100);
    expect(report.tally.lost, context).toBe(0);
    expect(report.tally.answeredTwice, context).toBe(0);
    // While the agent was dead nothing was answered by it, and serverless answered.
    expect(report.whileEdgeDead.edge, context).toBe(0);
    expect(report.whileEdgeDead.serverless, context).toBeGreaterThan(0);
    // After its restart the edge took traffic again.
    expect(report.afterEdgeBack.edge, context).toBeGreaterThan(0);
    // The injected function faults landed (they wait for calls, which come while the edge is dead).
    expect(report.functionCalls.faulted, context).toBeGreaterThan(0);
    expect(report.schedulerHealthyAfter).toBe(true);
  }, 110_000);
});
