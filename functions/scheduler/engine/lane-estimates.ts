/**
 * Builds the LaneStatus records the queue policy decides on: health and free slots from the live lanes, and the
 * expected tail time of a batch from the fitted profiles, the current bandwidth estimate and the round trip, and
 * its mean (the queue's overload forecast), and the wait behind the lane's batches in flight (its LaneClock).
 */
import { nearestServerlessOption } from '../../../shared/core/planner/lane-choices.js';
import type { LaneClock } from '../../../shared/core/queue/lane-clock.js';
import { clockedStatus, laneTimes, type LaneTimes } from '../../../shared/core/queue/lane-times.js';
import type { LaneId, LaneStatus, LatencyModel, Plan, ProfileSet } from '../../../shared/core/types.js';
import type { Lane } from '../lanes/lane.js';

import type { LinkEstimate } from '../live-state.js';

/** The latency model of the serverless configuration the plan uses (nearest memory size if not profiled). */
export function serverlessModel(profiles: ProfileSet, plan: Plan): LatencyModel {
  const option = nearestServerlessOption(profiles, plan.serverless.memoryMb);
  if (!option) throw new Error('The profile set has no serverless configuration');
  return option.latency;
}

/**
 * The lanes' time estimates, kept until something they come from changes: the profiles (replaced, never edited,
 * when telemetry updates them), the plan's serverless memory size, a link's bandwidth or round trip, the payload
 * size. The queue asks for them at every admission and decision; rebuilding them each time was a measurable part
 * of a request's cost.
 */
export class LaneTimesCache {
  private profiles: ProfileSet | undefined;
  private memoryMb = NaN;
  private payloadBytes = NaN;
  private readonly link: Record<LaneId, LinkEstimate> = { edge: { bandwidthMbps: NaN, rttMs: NaN }, serverless: { bandwidthMbps: NaN, rttMs: NaN } };
  private times: Record<LaneId, LaneTimes> | undefined;

  get(plan: Plan, profiles: ProfileSet, links: Readonly<Record<LaneId, LinkEstimate>>, payloadBytes: number): Readonly<Record<LaneId, LaneTimes>> {
    if (this.times === undefined || !this.holds(plan, profiles, links, payloadBytes)) {
      const models: Record<LaneId, LatencyModel> = { edge: profiles.edge, serverless: serverlessModel(profiles, plan) };
      this.times = { edge: laneTimes(models.edge, links.edge, payloadBytes), serverless: laneTimes(models.serverless, links.serverless, payloadBytes) };
      this.profiles = profiles;
      this.memoryMb = plan.serverless.memoryMb;
      this.payloadBytes = payloadBytes;
      this.link.edge = { ...links.edge };
      this.link.serverless = { ...links.serverless };
    }
    return this.times;
  }

  private holds(plan: Plan, profiles: ProfileSet, links: Readonly<Record<LaneId, LinkEstimate>>, payloadBytes: number): boolean {
    const same = (lane: LaneId) => this.link[lane].bandwidthMbps === links[lane].bandwidthMbps && this.link[lane].rttMs === links[lane].rttMs;
    return this.profiles === profiles && this.memoryMb === plan.serverless.memoryMb && this.payloadBytes === payloadBytes && same('edge') && same('serverless');
  }
}

export function laneStatuses(
  lanes: Readonly<Record<LaneId, Lane>>,
  clocks: Readonly<Record<LaneId, LaneClock>>,
  plan: Plan,
  profiles: ProfileSet,
  links: Readonly<Record<LaneId, LinkEstimate>>,
  payloadBytes: number,
  nowMs: number,
  cache: LaneTimesCache = new LaneTimesCache(),
): Record<LaneId, LaneStatus> {
  const times = cache.get(plan, profiles, links, payloadBytes);
  return {
    edge: clockedStatus(lanes.edge.healthy(nowMs), lanes.edge.freeSlots(nowMs), times.edge, clocks.edge, links.edge, payloadBytes, nowMs),
    serverless: clockedStatus(lanes.serverless.healthy(nowMs), lanes.serverless.freeSlots(nowMs), times.serverless, clocks.serverless, links.serverless, payloadBytes, nowMs),
  };
}
