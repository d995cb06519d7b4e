/**
 * LiveReplanController: the core ReplanController as the scheduler runs it. The planner it calls reads the live SLO,
 * profiles, prices and bounds; re-plans for outside reasons (a config change) and plans adopted from other
 * instances go through the controller's own record, so its drift and spacing rules see them.
 */
import { ReplanController, type ControllerPlanRequest, type ControllerRecord } from '../../../shared/core/control/index.js';
import { DEFAULT_BOUNDS, planBestEffort, type PlannerInput } from '../../../shared/core/planner/index.js';
import { DEFAULT_PRICES, type PriceTable } from '../../../shared/core/pricing/index.js';
import type { LaneId, Plan, PlanReason } from '../../../shared/core/types.js';
import type { SchedulerConfig } from '../../../shared/protocol/config.js';
import type { PlanningInputs } from '../live-state.js';

/** What the scheduler shows of the controller's estimates (`/v1/state`, metrics). */
export interface ReplanEstimates {
  readonly rateRps: number;
  readonly bandwidthMbps: Record<LaneId, number>;
  readonly rateChangeProbability: number;
  readonly bandwidthChangeProbability: number;
  readonly lastChangepointMs: { readonly rate?: number; readonly bandwidth?: number };
}

export function pricesFor(config: SchedulerConfig): PriceTable {
  const usdPerHour = config.lanes.edge.usdPerHour;
  if (usdPerHour === undefined) return DEFAULT_PRICES;
  return { ...DEFAULT_PRICES, edgeUsdPerHour: { value: usdPerHour, unit: 'USD/h', source: 'scheduler config lanes.edge.usdPerHour', date: 'configured' } };
}

export function plannerInput({ config, profiles }: PlanningInputs, request: ControllerPlanRequest): PlannerInput {
  const bounds = config.planner.bounds;
  return {
    rateRps: request.rateRps,
    ...(request.rateHighRps !== undefined ? { rateHighRps: request.rateHighRps } : {}),
    bandwidthMbps: request.bandwidthMbps,
    ...(request.linkSpread ? { linkSpread: request.linkSpread } : {}),
    rttMs: { edge: config.lanes.edge.rttMs, serverless: config.lanes.serverless.rttMs },
    payloadBytes: config.planner.payloadBytes,
    sloMs: config.slo.latencyMs,
    sloTarget: config.slo.target,
    profiles,
    prices: pricesFor(config),
    bounds: {
      ...DEFAULT_BOUNDS,
      maxBatch: { edge: bounds.maxEdgeBatch, serverless: bounds.maxServerlessBatch },
      memoryMbCandidates: bounds.memoryMbOptions,
      edgeHealthy: request.lanesHealthy.edge,
      serverlessHealthy: request.lanesHealthy.serverless,
      // The serverless lane never runs more batches at once than it is allowed (FC instances, or local slots).
      maxInstances: config.lanes.serverless.maxConcurrency,
      // The queue's admission bound: a plan whose waits need more queued requests than it holds is not made.
      maxQueued: config.limits.maxQueued,
    },
    nowMs: request.nowMs,
    reason: request.reason,
  };
}

/** The planner production uses: cost-optimal, or best effort when the SLO cannot be met (see planBestEffort). */
export function productionPlanner(inputs: () => PlanningInputs) {
  return (request: ControllerPlanRequest): Plan => planBestEffort(plannerInput(inputs(), request), request.current);
}

export class LiveReplanController {
  private controller: ReplanController;

  /** @param inputs the configuration and profiles in force, read at each plan (live-state.ts). */
  constructor(
    private readonly inputs: () => PlanningInputs,
    record?: ControllerRecord,
  ) {
    this.controller = record ? ReplanController.fromRecord(record, this.options()) : new ReplanController(this.options());
  }

  private options() {
    const { config } = this.inputs();
    const planner = config.planner;
    return {
      planner: productionPlanner(this.inputs),
      intervalMs: planner.countIntervalMs,
      minReplanSpacingMs: planner.minReplanIntervalMs,
      initialBandwidthMbps: config.lanes.edge.initialBandwidthMbps,
      rateDetector: { expectedSegmentLength: 1 / planner.hazard },
      bandwidthDetector: { expectedSegmentLength: 1 / planner.hazard },
      rateRule: { threshold: planner.changeThreshold },
      bandwidthRule: { threshold: planner.changeThreshold },
    };
  }

  observeArrivals(count: number, intervalMs: number, nowMs: number): void {
    this.controller.observeArrivals(count, intervalMs, nowMs);
  }

  observeBandwidth(lane: LaneId, mbps: number, nowMs: number): void {
    this.controller.observeBandwidth(lane, mbps, nowMs);
  }

  laneHealthChanged(lane: LaneId, healthy: boolean): void {
    this.controller.setLaneHealth(lane, healthy);
  }

  decide(nowMs: number) {
    return this.controller.decide(nowMs);
  }

  replan(reason: PlanReason, nowMs: number): { plan: Plan; reason: PlanReason } {
    const plan = productionPlanner(this.inputs)(this.controller.planRequest(reason, nowMs));
    this.adoptPlan(plan);
    return { plan, reason };
  }

  /**
   * Takes a plan in force (ours via replan, or another instance's): planned for, nothing pending, and its time
   * counts as the last re-plan, so the spacing between re-plans holds across instances too.
   */
  adoptPlan(plan: Plan): void {
    this.controller = ReplanController.fromRecord({ ...this.controller.toRecord(), plan, pending: null, lastReplanMs: plan.createdAtMs }, this.options());
  }

  /**
   * Another instance's detector state. The rate channel and the plan bookkeeping stay ours: every instance feeds
   * its rate detector the same totals over all instances, so theirs would only set ours back or forward by the
   * intervals between the two saves. The bandwidth channels come from telemetry that reaches one instance or
   * another, so theirs may know samples ours never saw.
   */
  restore(record: unknown): void {
    const theirs = record as ControllerRecord;
    this.controller = ReplanController.fromRecord({ ...this.controller.toRecord(), bandwidth: theirs.bandwidth }, this.options());
  }

  /** Why the controller will re-plan at its next decision, if it has a reason pending (a changepoint, lane health). */
  get pendingReason(): PlanReason | undefined {
    return this.controller.toRecord().pending ?? undefined;
  }

  /** Keeps a reason to re-plan pending, e.g. after another instance's plan won that did not answer it. */
  markPending(reason: PlanReason): void {
    this.controller = ReplanController.fromRecord({ ...this.controller.toRecord(), pending: reason }, this.options());
  }

  /** The configuration changed: the detectors keep their state; a patched change threshold applies from the next observation. */
  configure(): void {
    this.controller = ReplanController.fromRecord(this.controller.toRecord(), this.options());
  }

  get estimates(): ReplanEstimates {
    const e = this.controller.estimates;
    const bandwidthChanges = [e.lastChangepointMs.bandwidth.edge, e.lastChangepointMs.bandwidth.serverless].filter((x): x is number => x !== null);
    return {
      rateRps: e.rateRps,
      bandwidthMbps: { ...e.bandwidthMbps },
      rateChangeProbability: e.rateChangeProbability,
      bandwidthChangeProbability: e.bandwidthChangeProbability,
      lastChangepointMs: {
        ...(e.lastChangepointMs.rate !== null ? { rate: e.lastChangepointMs.rate } : {}),
        ...(bandwidthChanges.length > 0 ? { bandwidth: Math.max(...bandwidthChanges) } : {}),
      },
    };
  }

  toRecord(): ControllerRecord {
    return this.controller.toRecord();
  }
}
