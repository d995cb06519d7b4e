/**
 * Everything the scheduler decides on that changes while it runs: its configuration (the SLO among it), the plan in
 * force, the lanes' latency profiles and the links' estimates. One immutable snapshot, swapped whole: a config
 * change, a re-plan or a telemetry report is one swap, every reader sees a consistent set, and no part keeps a copy
 * of its own that could go stale (the SLO lives in the config and nowhere else).
 */
import type { LaneId, Plan, ProfileSet } from '../../shared/core/types.js';
import type { SchedulerConfig } from '../../shared/protocol/config.js';

export interface LinkEstimate {
  readonly bandwidthMbps: number;
  readonly rttMs: number;
}

export interface LiveState {
  readonly config: SchedulerConfig;
  readonly plan: Plan;
  readonly profiles: ProfileSet;
  readonly links: Readonly<Record<LaneId, LinkEstimate>>;
}

/** What planning needs before there is a plan: the initial plan is made from these. */
export type PlanningInputs = Pick<LiveState, 'config' | 'profiles'>;

export class LiveStateCell {
  private state: LiveState;

  constructor(initial: LiveState) {
    this.state = Object.freeze({ ...initial });
  }

  get current(): LiveState {
    return this.state;
  }

  /** The SLO's latency (ms) in force. */
  get sloMs(): number {
    return this.state.config.slo.latencyMs;
  }

  /** Swaps in a new snapshot with `change` applied; readers holding the old one keep a consistent view. */
  update(change: Partial<LiveState>): LiveState {
    this.state = Object.freeze({ ...this.state, ...change });
    return this.state;
  }
}

/** The links as the configuration starts them, before any sample. */
export function initialLinks(config: SchedulerConfig): Record<LaneId, LinkEstimate> {
  return {
    edge: { bandwidthMbps: config.lanes.edge.initialBandwidthMbps, rttMs: config.lanes.edge.rttMs },
    serverless: { bandwidthMbps: config.lanes.serverless.initialBandwidthMbps, rttMs: config.lanes.serverless.rttMs },
  };
}
