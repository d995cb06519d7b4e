/**
 * Builds the LaneStatus records the queue policy decides on: health and free slots from the live lanes, and the
 * expected tail time of a batch from the fitted profiles, the current bandwidth estimate and the round trip.
 */
import type { LaneId, LaneStatus, LatencyModel, Plan, ProfileSet } from '../../../shared/core/types.js';
import type { Lane } from '../lanes/lane.js';

export interface LinkEstimate {
  readonly bandwidthMbps: number;
  readonly rttMs: number;
}

/** The latency model of the serverless configuration the plan uses (nearest memory size if not profiled). */
export function serverlessModel(profiles: ProfileSet, plan: Plan): LatencyModel {
  let best = profiles.serverless[0];
  if (!best) throw new Error('The profile set has no serverless configuration');
  for (const option of profiles.serverless) {
    const distance = Math.abs(option.config.memoryMb - plan.serverless.memoryMb);
    if (distance < Math.abs(best.config.memoryMb - plan.serverless.memoryMb)) best = option;
  }
  return best.latency;
}

/** Expected p99 time from dispatch to answer for a batch of `batchSize` payloads of `payloadBytes`. */
export function batchServiceMs(model: LatencyModel, link: LinkEstimate, payloadBytes: number, batchSize: number): number {
  const transferMs = (batchSize * payloadBytes * 8) / (Math.max(link.bandwidthMbps, 1e-3) * 1000);
  return model.p99.baseMs + model.p99.perItemMs * batchSize + transferMs + link.rttMs;
}

export function laneStatuses(
  lanes: Readonly<Record<LaneId, Lane>>,
  plan: Plan,
  profiles: ProfileSet,
  links: Readonly<Record<LaneId, LinkEstimate>>,
  payloadBytes: number,
  nowMs: number,
): Record<LaneId, LaneStatus> {
  const models: Record<LaneId, LatencyModel> = { edge: profiles.edge, serverless: serverlessModel(profiles, plan) };
  const status = (lane: LaneId): LaneStatus => ({
    healthy: lanes[lane].healthy(nowMs),
    freeSlots: lanes[lane].freeSlots(nowMs),
    serviceMs: (batchSize: number) => batchServiceMs(models[lane], links[lane], payloadBytes, batchSize),
  });
  return { edge: status('edge'), serverless: status('serverless') };
}
