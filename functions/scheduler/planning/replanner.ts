/**
 * What the planning service needs of the re-plan controller (shared/core/control): observations in, plans out,
 * state to persist. The simulator's `ours` policy drives the same controller under virtual time.
 */
import type { LaneId, Plan, PlanReason } from '../../../shared/core/types.js';

export interface ReplannerEstimates {
  readonly rateRps: number;
  readonly bandwidthMbps: Record<LaneId, number>;
  readonly rateChangeProbability: number;
  readonly bandwidthChangeProbability: number;
  readonly lastChangepointMs: { readonly rate?: number; readonly bandwidth?: number };
}

export interface Replanner {
  observeArrivals(count: number, intervalMs: number, nowMs: number): void;
  observeBandwidth(lane: LaneId, mbps: number, nowMs: number): void;
  laneHealthChanged?(lane: LaneId, healthy: boolean, nowMs: number): void;
  /** A new plan when the detectors (or a missing plan, or lane health) call for one. */
  decide(nowMs: number): { plan: Plan; reason: PlanReason } | undefined;
  /** Plans now for an outside reason (a config change). */
  replan(reason: PlanReason, nowMs: number): { plan: Plan; reason: PlanReason } | undefined;
  /** Takes a plan in force (made here or by another instance): nothing pending, its time the last re-plan. */
  adoptPlan(plan: Plan): void;
  /** Merges another instance's detector state into ours. */
  restore(record: unknown): void;
  /** The reason the next decision will re-plan for, if one is pending. */
  readonly pendingReason?: PlanReason | undefined;
  /** Keeps a reason to re-plan pending for the next decision. */
  markPending?(reason: PlanReason): void;
  /** The configuration in force changed (its detector settings apply from now on). */
  configure?(): void;
  readonly estimates: ReplannerEstimates;
  toRecord(): unknown;
}
