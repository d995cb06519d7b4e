/**
 * The expected (mean) time from dispatch to answer for a batch of b requests on a lane: the mean service line,
 * the transfer of the batch's payloads at the lane's bandwidth, and the round trip. The queue's overload
 * admission predicts with it (LaneStatus.expectedBatchMs); tails (p99) stay the business of tailServiceMs.
 * It sits beside planner/service-time.ts's tailServiceMs and expectedSingleMs, which it mirrors.
 */
import { transferMs } from '../planner/lane-model.js';
import type { LatencyModel } from '../types.js';

export function expectedBatchMs(model: LatencyModel, bandwidthMbps: number, rttMs: number, payloadBytes: number): (batchSize: number) => number {
  const bandwidth = Math.max(bandwidthMbps, 1e-3);
  return (b) => model.mean.baseMs + model.mean.perItemMs * b + transferMs(b, payloadBytes, bandwidth) + rttMs;
}
