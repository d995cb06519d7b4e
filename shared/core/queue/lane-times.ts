/**
 * The LaneStatus a lane shows the queue: the time estimates from its latency model, link and round trip (the p99
 * line as serviceMs, the mean for one request as expectedServiceMs, the deadline yardstick, and the mean for a
 * batch as expectedBatchMs, the forecast's), shifted by the wait behind its batches in flight (LaneClock). The
 * scheduler loop and the simulator both build their statuses here, so the queue sees the same numbers in both.
 */
import { transferMs } from '../planner/lane-model.js';
import { expectedSingleMs, tailServiceMs } from '../planner/service-time.js';
import type { LaneStatus, LatencyModel } from '../types.js';
import { expectedBatchMs } from './expected-batch.js';
import type { LaneClock } from './lane-clock.js';

export type LaneTimes = Required<Pick<LaneStatus, 'serviceMs' | 'expectedServiceMs' | 'expectedBatchMs'>>;

export interface LaneLink {
  readonly bandwidthMbps: number;
  readonly rttMs: number;
}

export function laneTimes(model: LatencyModel, link: LaneLink, payloadBytes: number): LaneTimes {
  return {
    serviceMs: tailServiceMs(model, link.bandwidthMbps, link.rttMs, payloadBytes),
    expectedServiceMs: expectedSingleMs(model, link.bandwidthMbps, link.rttMs, payloadBytes),
    expectedBatchMs: expectedBatchMs(model, link.bandwidthMbps, link.rttMs, payloadBytes),
  };
}

/** `times` for a batch that waits `waitMs` before its transfer and service can proceed; `times` itself when 0. */
export function delayedBy(times: LaneTimes, waitMs: number): LaneTimes {
  if (!(waitMs > 0)) return times;
  return {
    serviceMs: (b) => waitMs + times.serviceMs(b),
    expectedServiceMs: waitMs + times.expectedServiceMs,
    expectedBatchMs: (b) => waitMs + times.expectedBatchMs(b),
  };
}

/** What a batch of `size` holds a lane for once its payload is across (LaneClock): mean service and round trip. */
export function expectedComputeMs(model: LatencyModel, size: number, rttMs: number): number {
  return model.mean.baseMs + model.mean.perItemMs * size + rttMs;
}

/**
 * A lane with a free slot shows its times for a batch sent now, behind what it has in flight (the wait judged
 * for a batch of one). A full lane can send nothing now: it shows the times of a send once a slot frees, and
 * when that is expected (slotFreeInMs), which the queue weighs for newcomers only.
 */
export function clockedStatus(healthy: boolean, freeSlots: number, times: LaneTimes, clock: LaneClock, link: LaneLink, payloadBytes: number, nowMs: number): LaneStatus {
  if (!(freeSlots > 0)) return { healthy, freeSlots, ...times, slotFreeInMs: clock.firstAnswerInMs(nowMs) };
  const singleTransferMs = transferMs(1, payloadBytes, Math.max(link.bandwidthMbps, 1e-3));
  return { healthy, freeSlots, ...delayedBy(times, clock.waitMs(nowMs, singleTransferMs)) };
}
