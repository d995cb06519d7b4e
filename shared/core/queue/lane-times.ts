/**
 * The LaneStatus a lane shows the queue: the time estimates from its latency model, link and round trip (the p99
 * line as serviceMs, the mean for one request as expectedServiceMs, the deadline yardstick, and the mean for a
 * batch as expectedBatchMs, the forecast's), and the wait behind its batches in flight (LaneClock). The
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

/** What a batch of `size` holds a lane for once its payload is across (LaneClock): mean service and round trip. */
export function expectedComputeMs(model: LatencyModel, size: number, rttMs: number): number {
  return model.mean.baseMs + model.mean.perItemMs * size + rttMs;
}

/**
 * A lane with a free slot shows how long a batch sent now waits behind what it has in flight (judged for a
 * batch of one). A full lane can send nothing now: it shows when a slot is expected to free (slotFreeInMs),
 * which the queue weighs for newcomers only.
 */
export function clockedStatus(healthy: boolean, freeSlots: number, times: LaneTimes, clock: LaneClock, link: LaneLink, payloadBytes: number, nowMs: number): LaneStatus {
  if (!(freeSlots > 0)) return new ClockedLaneStatus(healthy, freeSlots, times, undefined, clock.firstAnswerInMs(nowMs));
  const singleTransferMs = transferMs(1, payloadBytes, Math.max(link.bandwidthMbps, 1e-3));
  const waitMs = clock.waitMs(nowMs, singleTransferMs);
  if (clock.batchesInFlight === 0) return new ClockedLaneStatus(healthy, freeSlots, times, waitMs, undefined);
  // On a one-server lane (the Orin's GPU) whose GPU, not its link, is the bottleneck, a batch that would be across
  // before the GPU is done with the batches ahead of it would only wait there, fixed at its size: the queue holds
  // it until it would arrive just in time and keeps gathering (holdMs), so the GPU gets one bigger batch rather
  // than many small ones that each pay the per-batch base time. Where the transfer takes longer than the service,
  // the link is the bottleneck and must not idle: nothing is held.
  if (!clock.shape.oneServer) return new ClockedLaneStatus(healthy, freeSlots, times, waitMs, undefined);
  // A batch sent now starts across once the link has carried the ones before it.
  const gpuFreeInMs = clock.lastAnswerInMs(nowMs) - link.rttMs - clock.linkFreeInMs(nowMs);
  return new ClockedLaneStatus(healthy, freeSlots, times, waitMs, undefined, true, gpuFreeInMs, Math.max(link.bandwidthMbps, 1e-3), link.rttMs, payloadBytes);
}

/**
 * Every status clockedStatus builds has this one shape (fields it does not set are undefined, as absent ones read),
 * so the queue's reads of them stay monomorphic; holdMs is a method, not a closure built for every status, and
 * holds nothing (0, as no holdMs) unless the lane is one server with batches in flight.
 */
class ClockedLaneStatus implements LaneStatus {
  readonly serviceMs: (batchSize: number) => number;
  readonly expectedServiceMs: number;
  readonly expectedBatchMs: (batchSize: number) => number;

  constructor(
    readonly healthy: boolean,
    readonly freeSlots: number,
    times: LaneTimes,
    readonly waitMs: number | undefined,
    readonly slotFreeInMs: number | undefined,
    private readonly held = false,
    private readonly gpuFreeInMs = 0,
    private readonly bandwidthMbps = 0,
    private readonly rttMs = 0,
    private readonly payloadBytes = 0,
  ) {
    this.serviceMs = times.serviceMs;
    this.expectedServiceMs = times.expectedServiceMs;
    this.expectedBatchMs = times.expectedBatchMs;
  }

  holdMs(size: number): number {
    if (!this.held) return 0;
    const acrossMs = transferMs(size, this.payloadBytes, this.bandwidthMbps);
    const serviceMs = this.expectedBatchMs(size) - acrossMs - this.rttMs;
    return acrossMs >= serviceMs ? 0 : Math.max(0, this.gpuFreeInMs - acrossMs);
  }
}
