/**
 * Builds the LaneStatus records the queue policy decides on: health and free slots from the live lanes, and the
 * expected tail time of a batch from the fitted profiles, the current bandwidth estimate and the round trip, and
 * its mean (the queue's overload forecast).
 */
import { nearestServerlessOption } from '../../../shared/core/planner/lanes.js';
import { expectedSingleMs, tailServiceMs } from '../../../shared/core/planner/service-time.js';
import { expectedBatchMs } from '../../../shared/core/queue/expected-batch.js';
import type { LaneId, LaneStatus, LatencyModel, Plan, ProfileSet } from '../../../shared/core/types.js';
import type { Lane } from '../lanes/lane.js';

export interface LinkEstimate {
  readonly bandwidthMbps: number;
  readonly rttMs: number;
}

/** The latency model of the serverless configuration the plan uses (nearest memory size if not profiled). */
export function serverlessModel(profiles: ProfileSet, plan: Plan): LatencyModel {
  const option = nearestServerlessOption(profiles, plan.serverless.memoryMb);
  if (!option) throw new Error('The profile set has no serverless configuration');
  return option.latency;
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
    serviceMs: tailServiceMs(models[lane], links[lane].bandwidthMbps, links[lane].rttMs, payloadBytes),
    expectedServiceMs: expectedSingleMs(models[lane], links[lane].bandwidthMbps, links[lane].rttMs, payloadBytes),
    expectedBatchMs: expectedBatchMs(models[lane], links[lane].bandwidthMbps, links[lane].rttMs, payloadBytes),
  });
  return { edge: status('edge'), serverless: status('serverless') };
}
