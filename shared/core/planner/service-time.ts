import type { LatencyModel } from '../types.js';
import { transferMs } from './lane-model.js';

/**
 * What the queue policy assumes a batch of b requests takes on a lane, from dispatch to answer: the p99 service
 * line, the transfer of its payloads at the lane's current bandwidth, and the round trip. The scheduler loop and
 * the simulator both hand the queue this same estimate.
 */
export function tailServiceMs(model: LatencyModel, bandwidthMbps: number, rttMs: number, payloadBytes: number): (batchSize: number) => number {
  const bandwidth = Math.max(bandwidthMbps, 1e-3);
  return (b) => model.p99.baseMs + model.p99.perItemMs * b + transferMs(b, payloadBytes, bandwidth) + rttMs;
}

/** The expected (mean) time from dispatch to answer for one request on a lane: the queue's deadline yardstick. */
export function expectedSingleMs(model: LatencyModel, bandwidthMbps: number, rttMs: number, payloadBytes: number): number {
  return model.mean.baseMs + model.mean.perItemMs + transferMs(1, payloadBytes, Math.max(bandwidthMbps, 1e-3)) + rttMs;
}
