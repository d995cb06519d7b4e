import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LaneId, LanePlan } from '../../../shared/core/types.js';
import { runScenario, type Scenario } from './driver.js';

// Times are multiples of 1/4 ms: exact in binary, so the checks compare exact values, yet not all integers.
const quarterMs = (max: number) => fc.integer({ min: 0, max: max * 4 }).map((q) => q / 4);

const lanePlans: fc.Arbitrary<Record<LaneId, LanePlan>> = fc
  .record({
    edgeShare: fc.constantFrom(0, 0.25, 0.5, 0.75, 1),
    edgeBatch: fc.integer({ min: 1, max: 6 }),
    serverlessBatch: fc.integer({ min: 1, max: 4 }),
    edgeTimeout: quarterMs(60),
    serverlessTimeout: quarterMs(60),
  })
  .map((p) => ({
    edge: { batchSize: p.edgeBatch, timeoutMs: p.edgeTimeout, share: p.edgeShare },
    serverless: { batchSize: p.serverlessBatch, timeoutMs: p.serverlessTimeout, share: 1 - p.edgeShare },
  }));

const laneSpec = (maxBase: number) =>
  fc.record({ baseMs: fc.integer({ min: 1, max: maxBase }), perItemMs: fc.integer({ min: 0, max: 10 }), slots: fc.integer({ min: 0, max: 3 }) });

const scenarios: fc.Arbitrary<Scenario> = fc.record({
  maxQueued: fc.integer({ min: 1, max: 30 }),
  lowPriorityMaxFraction: fc.constantFrom(0, 0.5, 0.8, 1),
  lanes: fc.record({ edge: laneSpec(30), serverless: laneSpec(80) }),
  plans: fc
    .tuple(lanePlans, fc.array(fc.record({ atMs: quarterMs(600), lanes: lanePlans }), { maxLength: 4 }))
    .map(([first, later]) => [{ atMs: 0, lanes: first }, ...later]),
  healthFlips: fc.array(fc.record({ atMs: quarterMs(600), lane: fc.constantFrom<LaneId>('edge', 'serverless') }), { maxLength: 4 }),
  arrivals: fc.array(
    fc.record({ gapMs: quarterMs(15), priority: fc.constantFrom('high' as const, 'low' as const), sloMs: fc.integer({ min: 5, max: 250 }) }),
    { minLength: 1, maxLength: 120 },
  ),
  forecast: fc.boolean(),
});

describe('VirtualQueue invariants under random traffic, lane health, slots and plan changes', () => {
  it('never loses, duplicates, overfills, delays past a deadline or timeout, or inverts priorities', () => {
    let dispatched = 0;
    let rejected = 0;
    let evicted = 0;
    let overloaded = 0;
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const summary = runScenario(scenario);
        dispatched += summary.dispatched;
        rejected += summary.rejected;
        evicted += summary.evicted;
        overloaded += summary.overloaded;
      }),
      { seed: 20240827, numRuns: 400 },
    );
    // The generator really exercises every ending (a property that never rejects proves little).
    expect(dispatched).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(100);
    expect(evicted).toBeGreaterThan(10);
    expect(overloaded).toBeGreaterThan(5); // the forecast refuses too (most of it is exercised by the busy run below)
  });

  it('keeps the invariants at scale: a long busy run with tight queue bounds and the forecast on', () => {
    let overloaded = 0;
    fc.assert(
      fc.property(
        scenarios.chain((base) =>
          fc
            .array(fc.record({ gapMs: quarterMs(4), priority: fc.constantFrom('high' as const, 'low' as const), sloMs: fc.integer({ min: 50, max: 400 }) }), {
              minLength: 1500,
              maxLength: 2000,
            })
            .map((arrivals) => ({ ...base, maxQueued: Math.max(base.maxQueued, 10), arrivals })),
        ),
        (scenario) => {
          overloaded += runScenario({ ...scenario, forecast: true }).overloaded;
        },
      ),
      // No shrinking here: a 2,000-request counterexample shrinks for many minutes; the first test shrinks small ones.
      { seed: 7, numRuns: 10, endOnFailure: true },
    );
    expect(overloaded).toBeGreaterThan(100);
  });
});
