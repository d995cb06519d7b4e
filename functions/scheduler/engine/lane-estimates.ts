/**
 * Builds the LaneStatus records the queue policy decides on: health and free slots from the live lanes, and the
 * expected tail time of a batch from the fitted profiles, the current bandwidth estimate and the round trip, and
 * its mean (the queue's overload forecast), and the wait behind the lane's batches in flight (its LaneClock).
 */
import { nearestServerlessOption } from '../../../shared/core/planner/lanes.js';
import type { LaneClock } from '../../../shared/core/queue/lane-clock.js';
import { clockedStatus, laneTimes } from '../../../shared/core/queue/lane-times.js';
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
  clocks: Readonly<Record<LaneId, LaneClock>>,
  plan: Plan,
  profiles: ProfileSet,
  links: Readonly<Record<LaneId, LinkEstimate>>,
  payloadBytes: number,
  nowMs: number,
): Record<LaneId, LaneStatus> {
  const models: Record<LaneId, LatencyModel> = { edge: profiles.edge, serverless: serverlessModel(profiles, plan) };
  const status = (lane: LaneId): LaneStatus =>
    clockedStatus(lanes[lane].healthy(nowMs), lanes[lane].freeSlots(nowMs), laneTimes(models[lane], links[lane], payloadBytes), clocks[lane], links[lane], payloadBytes, nowMs);
  return { edge: status('edge'), serverless: status('serverless') };
}
