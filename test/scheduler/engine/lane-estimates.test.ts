import { describe, expect, it } from 'vitest';
import { laneStatuses } from '../../../functions/scheduler/engine/lane-estimates.js';
import { LaneClock } from '../../../shared/core/queue/lane-clock.js';
import { makePlan, PROFILES, ScriptedLane } from './fixtures.js';

// 10 Mbit/s carries 10,000 bits a ms; the payload of 12,500 bytes (100,000 bits) takes 10 ms.
const PAYLOAD = 12_500;
const links = { edge: { bandwidthMbps: 10, rttMs: 2 }, serverless: { bandwidthMbps: 10, rttMs: 40 } };
const plan = makePlan({ batchSize: 4, timeoutMs: 0, share: 0.5 });
const ONE_GPU = { oneServer: true, sharedLink: true };
/** FC behind a shared uplink, so that a backlog on it shows. */
const SIDE_BY_SIDE = { oneServer: false, sharedLink: true };

describe('laneStatuses', () => {
  it('times a batch from the profiles and link when the lane is idle', () => {
    const lanes = { edge: new ScriptedLane('edge', 2), serverless: new ScriptedLane('serverless') };
    const clocks = { edge: new LaneClock(ONE_GPU), serverless: new LaneClock(SIDE_BY_SIDE) };
    const { edge } = laneStatuses(lanes, clocks, plan, PROFILES, links, PAYLOAD, 0);
    // Edge mean 5 + 1 b, p99 6 + 1.2 b; transfer 10 ms a request; round trip 2 ms.
    expect(edge.expectedServiceMs).toBeCloseTo(5 + 1 + 10 + 2, 9);
    expect(edge.serviceMs(2)).toBeCloseTo(6 + 2.4 + 20 + 2, 9);
    expect(edge.slotFreeInMs).toBeUndefined();
  });

  it('adds the wait behind the batches in flight to a lane with a free slot, and says when a full one frees a slot', () => {
    const lanes = { edge: new ScriptedLane('edge', 2), serverless: new ScriptedLane('serverless') };
    const clocks = { edge: new LaneClock(ONE_GPU), serverless: new LaneClock(SIDE_BY_SIDE) };
    // Serverless: 30 requests' worth of bits on the uplink (300 ms) ahead of anything sent now.
    clocks.serverless.dispatched(0, 30 * PAYLOAD * 8, 10, 50);
    // Edge: one batch in service until 10 + 100 = 110 ms, one of its two slots taken.
    clocks.edge.dispatched(0, PAYLOAD * 8, 10, 100);
    lanes.edge.inFlight = 1;
    const idle = laneStatuses(
      { edge: new ScriptedLane('edge', 2), serverless: new ScriptedLane('serverless') },
      { edge: new LaneClock(ONE_GPU), serverless: new LaneClock(SIDE_BY_SIDE) },
      plan,
      PROFILES,
      links,
      PAYLOAD,
      0,
    );
    const busy = laneStatuses(lanes, clocks, plan, PROFILES, links, PAYLOAD, 0);
    // The estimates stay those of an idle lane; the wait behind the batches in flight comes beside them.
    expect(busy.serverless.expectedServiceMs).toBeCloseTo(idle.serverless.expectedServiceMs!, 9);
    expect(idle.serverless.waitMs).toBe(0);
    expect(busy.serverless.waitMs).toBeCloseTo(300, 9);
    // A batch sent now is across at 10 ms and waits for the GPU until 110 ms: 100 ms later than on an idle lane.
    expect(busy.edge.waitMs).toBeCloseTo(100, 9);
    expect(busy.edge.slotFreeInMs).toBeUndefined();

    // Both slots taken: nothing can be sent now; what counts is when a slot frees, at 110 ms.
    clocks.edge.dispatched(0, PAYLOAD * 8, 10, 100);
    lanes.edge.inFlight = 2;
    const full = laneStatuses(lanes, clocks, plan, PROFILES, links, PAYLOAD, 0);
    expect(full.edge.slotFreeInMs).toBeCloseTo(110, 9);
    expect(full.edge.waitMs).toBeUndefined();
  });
});
