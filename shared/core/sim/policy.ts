/**
 * What a planning policy is to the simulator: it gives the first plan, sees each interval's observations (the
 * arrival count and each lane's bandwidth sample, as the production scheduler sees them) and each finished
 * batch, and may answer with a new plan. The engine applies a returned plan at once (the queue reads it on its
 * next decision), as the production loop does.
 */
import type { LaneId, Plan, ProfileSet } from '../types.js';
import type { PlannerInput } from '../planner/input.js';
import type { SimOptions } from './config.js';

/**
 * What a planner needs from the simulation: the planner's own input without the prices and bounds, which the
 * simulation's planners close over (sim/planners.ts).
 */
export interface PlanRequest extends Omit<PlannerInput, 'prices' | 'bounds'> {
  /** Lanes the planner may use (default both): edge-only and serverless-only policies close one. */
  readonly lanes?: Readonly<Record<LaneId, boolean>>;
  /** The plan in force, which `ours` keeps when re-planning would not pay (planBestEffort). */
  readonly current?: Plan;
}

export type PlanFunction = (request: PlanRequest) => Plan;

/** The planners the policies use: `ours` (the cost-optimal planner, planBestEffort) and `seed` (the prototype's, planSeed). */
export interface Planners {
  readonly ours: PlanFunction;
  readonly seed: PlanFunction;
}

/** Ground truth per whole second, for the oracle only (hindsight). */
export interface TraceTruth {
  readonly ratePerSecond: Float64Array;
  readonly bandwidthPerSecond: Readonly<Record<LaneId, Float64Array>>;
}

export interface PolicyContext {
  readonly sloMs: number;
  /** The SLO's target fraction within sloMs. */
  readonly sloTarget: number;
  readonly profiles: ProfileSet;
  readonly options: SimOptions;
  readonly planners: Planners;
  readonly truth: TraceTruth;
}

export interface Observation {
  /** End of the interval observed. */
  readonly nowMs: number;
  readonly intervalMs: number;
  readonly arrivals: number;
  /** Mean Mbit/s each lane's link delivered over the interval (the edge agent's probe / transfer samples). */
  readonly bandwidthMbps: Readonly<Record<LaneId, number>>;
}

export interface BatchFeedback {
  readonly lane: LaneId;
  readonly size: number;
  readonly nowMs: number;
  /** Latency of the batch's first-arriving request (its worst). */
  readonly worstLatencyMs: number;
  readonly sloMs: number;
}

export interface SimPolicy {
  readonly name: string;
  /** The plan at time 0. `first` is the first interval's observation, standing in for the initial estimate an operator configures; observe() does not see that interval again. */
  start(first: Observation): Plan;
  /** Called at the end of every interval; a returned plan replaces the current one (a re-plan). */
  observe(observation: Observation): Plan | undefined;
  /** Called when a batch's answers are back (AIMD adapts on these). */
  batchDone?(feedback: BatchFeedback): Plan | undefined;
  /**
   * Hedges a batch still unanswered, and predicted late, at the last instant the other lane can make its deadline
   * (queue/hedge.ts):
   * our engine does; the baselines do not.
   */
  readonly hedges?: boolean;
  /** Instants (ms) of detected changepoints, for the report (the controller-driven policy has them). */
  readonly changepointsMs?: readonly number[];
}
