/**
 * The time estimates a LaneStatus carries, from a lane's latency model, link and round trip, shifted by the wait
 * behind the lane's batches in flight (LaneClock.waitMs): the p99 line (serviceMs), the mean for one request
 * (expectedServiceMs, the deadline yardstick) and the mean for a batch (expectedBatchMs, the forecast's). The
 * scheduler loop and the simulator both build their statuses with it, so the queue sees the same numbers in both.
 */
import { transferMs } from '../planner/lane-model.js';
import { expectedSingleMs, tailServiceMs } from '../planner/service-time.js';
import type { LaneStatus, LatencyModel } from '../types.js';
import { expectedBatchMs } from './expected-batch.js';

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

/** A single request's transfer time on the link: the clock's wait is judged for a batch of one. */
export function singleTransferMs(link: LaneLink, payloadBytes: number): number {
  return transferMs(1, payloadBytes, Math.max(link.bandwidthMbps, 1e-3));
}
