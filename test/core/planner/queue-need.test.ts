import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeAttainment } from '../../../shared/core/planner/attainment.js';
import { DEFAULT_BOUNDS, validatePlannerInput, type PlannerInput } from '../../../shared/core/planner/input.js';
import { planForTarget } from '../../../shared/core/planner/plan.js';
import { longestQueueWaitMs, planQueueNeed } from '../../../shared/core/planner/queue-need.js';
import { DEFAULT_QUEUE_OPTIONS } from '../../../shared/core/queue/options.js';
import { plannerInput as controllerPlannerInput } from '../../../functions/scheduler/planning/live-replan-controller.js';
import { SchedulerConfigSchema } from '../../../shared/protocol/config.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import { plannerInput } from './fixtures.js';

const bounded = (input: PlannerInput, maxQueued: number): PlannerInput => ({ ...input, bounds: { ...input.bounds, maxQueued } });

describe('plans the queue can hold', () => {
  it('never makes a plan whose waits at the planned rate need more queued requests than the bound', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 400, noNaN: true }), fc.double({ min: 2, max: 200, noNaN: true }), fc.integer({ min: 300, max: 4000 }), fc.integer({ min: 1, max: 60 }), (rate, mbps, sloMs, maxQueued) => {
        const input = bounded(plannerInput(rate, mbps, sloMs), maxQueued);
        const plan = planForTarget(input);
        // A plan the search found (not the fallback that says nothing could be planned) fits the bound.
        if (plan.predicted.attainment > 0) expect(planQueueNeed(input, plan)).toBeLessThanOrEqual(maxQueued + 1e-9);
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it('at 48 req/s and 1 s the edge gathers 8 over up to 146 ms; a bound of 5 makes it wait less and still reach the target', () => {
    const input = plannerInput(48, 20, 1000);
    const free = planForTarget(input);
    // Unbounded in practice, the plan gathers what 7 more arrivals take: about 7 requests queued at once.
    expect(planQueueNeed(input, free)).toBeGreaterThan(5);
    const tight = bounded(input, 5);
    const held = planForTarget(tight);
    expect(planQueueNeed(tight, held)).toBeLessThanOrEqual(5);
    expect(held.predicted.attainment).toBeGreaterThanOrEqual(input.sloTarget);
  });

  it('counts the longest wait of the lane: the gathering span under light load, the whole SLO past capacity', () => {
    const input = plannerInput(48, 20, 1000);
    // Batch 8 fills after 7 more arrivals at 48/s (146 ms), before its 400 ms timeout.
    expect(longestQueueWaitMs(input, edgeAttainment(input, 8, 400, 48))).toBeCloseTo((7 / 48) * 1000, 0);
    // Batch 1 with no timeout on the prototype's Orin cannot carry 400 req/s: requests wait until the deadline rule drops them.
    const over = plannerInput(400, 20, 1000);
    expect(longestQueueWaitMs(over, edgeAttainment(over, 1, 0, 400))).toBe(1000);
  });

  it("defaults to the queue's own bound, rejects a bound below 1, and takes the scheduler's configured one", () => {
    expect(DEFAULT_BOUNDS.maxQueued).toBe(DEFAULT_QUEUE_OPTIONS.maxQueued);
    expect(() => validatePlannerInput(bounded(plannerInput(10, 20, 1000), 0))).toThrow(/bounds.maxQueued/);
    const config = SchedulerConfigSchema.parse({ server: { host: '127.0.0.1' }, limits: { maxQueued: 321 } });
    const input = controllerPlannerInput({ config, profiles: DEFAULT_PROFILES }, { rateRps: 10, bandwidthMbps: { edge: 20, serverless: 20 }, lanesHealthy: { edge: true, serverless: true }, nowMs: 0, reason: 'manual' });
    expect(input.bounds.maxQueued).toBe(321);
  });
});
