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
  // Fields written out rather than spread from `times`: this runs for every lane at every instant the queue is asked.
  const { serviceMs, expectedServiceMs, expectedBatchMs } = times;
  if (!(freeSlots > 0)) return { healthy, freeSlots, serviceMs, expectedServiceMs, expectedBatchMs, slotFreeInMs: clock.firstAnswerInMs(nowMs) };
  const singleTransferMs = transferMs(1, payloadBytes, Math.max(link.bandwidthMbps, 1e-3));
  const waitMs = clock.waitMs(nowMs, singleTransferMs);
  if (clock.batchesInFlight === 0) return { healthy, freeSlots, serviceMs, expectedServiceMs, expectedBatchMs, waitMs };
  // On a one-server lane (the Orin's GPU) whose GPU, not its link, is the bottleneck, a batch that would be across
  // before the GPU is done with the batches ahead of it would only wait there, fixed at its size: the queue holds
  // it until it would arrive just in time and keeps gathering (holdMs), so the GPU gets one bigger batch rather
  // than many small ones that each pay the per-batch base time. Where the transfer takes longer than the service,
  // the link is the bottleneck and must not idle: nothing is held.
  if (!clock.shape.oneServer) return { healthy, freeSlots, serviceMs, expectedServiceMs, expectedBatchMs, waitMs };
  // A batch sent now starts across once the link has carried the ones before it.
  const gpuFreeInMs = clock.lastAnswerInMs(nowMs) - link.rttMs - clock.linkFreeInMs(nowMs);
  return new HeldLaneStatus(healthy, freeSlots, times, waitMs, gpuFreeInMs, Math.max(link.bandwidthMbps, 1e-3), link.rttMs, payloadBytes);
}

/** A one-server lane's status with batches in flight: holdMs a method, not a closure built for every status. */
class HeldLaneStatus implements LaneStatus {
  readonly serviceMs: (batchSize: number) => number;
  readonly expectedServiceMs: number;
  readonly expectedBatchMs: (batchSize: number) => number;

  constructor(
    readonly healthy: boolean,
    readonly freeSlots: number,
    times: LaneTimes,
    readonly waitMs: number,
    private readonly gpuFreeInMs: number,
    private readonly bandwidthMbps: number,
    private readonly rttMs: number,
    private readonly payloadBytes: number,
  ) {
    this.serviceMs = times.serviceMs;
    this.expectedServiceMs = times.expectedServiceMs;
    this.expectedBatchMs = times.expectedBatchMs;
  }

  holdMs(size: number): number {
    const acrossMs = transferMs(size, this.payloadBytes, this.bandwidthMbps);
    const serviceMs = this.expectedBatchMs(size) - acrossMs - this.rttMs;
    return acrossMs >= serviceMs ? 0 : Math.max(0, this.gpuFreeInMs - acrossMs);
  }
}
