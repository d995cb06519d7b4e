/**
 * The scheduler's planning side: every counting interval it feeds the arrival count to the re-plan controller
 * (BOCPD on rate and bandwidth), applies a new plan live when the controller makes one, and records history for
 * /v1/state. Telemetry from edge agents brings bandwidth samples (the bandwidth detector), batch latencies (the
 * edge profile, updated online) and heartbeats (lane health). Plans, detector state and profiles persist through
 * StateSync, shared with other scheduler instances.
 */
import { RecentLinkEstimate } from '../../../shared/core/control/index.js';
import { EngineError } from '../../../shared/core/errors.js';
import type { LaneId, Plan, PlanReason, ProfileSet } from '../../../shared/core/types.js';
import type { SchedulerConfig } from '../../../shared/protocol/config.js';
import { applyConfigPatch } from '../../../shared/protocol/config-patch.js';
import type { SchedulerState } from '../../../shared/protocol/http-schemas.js';
import { TelemetryReportSchema, sampleMbps, type TelemetryReport } from '../../../shared/protocol/telemetry.js';
import type { PlanningApi } from '../app.js';
import type { SchedulerEngine } from '../engine/scheduler-engine.js';
import type { HttpBatchRunner } from '../lanes/http-batch-runner.js';
import type { Lane } from '../lanes/lane.js';
import type { StateHistoryRecorder } from './history.js';
import type { StateSync, RemoteState } from './state-sync.js';
import type { Replanner, ReplannerEstimates } from './replanner.js';

export interface PlanningDeps {
  readonly engine: SchedulerEngine;
  readonly replanner: Replanner;
  readonly lanes: Readonly<Record<LaneId, Lane>>;
  readonly edgePool: HttpBatchRunner;
  readonly sync: StateSync;
  readonly history: StateHistoryRecorder;
  /** Folds measured batch latencies into the edge profile (online fit). */
  readonly updateEdgeProfile: (profiles: ProfileSet, samples: TelemetryReport['batches']) => ProfileSet;
  readonly onReplan?: (event: { plan: Plan; previous: Plan | undefined; reason: PlanReason; nowMs: number }) => void;
  readonly onTick?: (event: { intervalMs: number; nowMs: number }) => void;
  readonly onStoreError?: (error: EngineError, action: string) => void;
  readonly now: () => number;
}

export class PlanningService implements PlanningApi {
  private config: SchedulerConfig;
  private intervalTimer: NodeJS.Timeout | undefined;
  private lastTickMs: number;
  private lastHealthy: Record<LaneId, boolean>;
  private lastChangeSeenMs = { rate: -Infinity, bandwidth: -Infinity };
  private ticks = 0;
  /** What the queue times edge transfers on: the planner's estimate, or the last samples when they are lower. */
  private readonly recentEdgeLink = new RecentLinkEstimate();

  constructor(
    config: SchedulerConfig,
    private readonly deps: PlanningDeps,
  ) {
    this.config = config;
    this.lastTickMs = deps.now();
    this.lastHealthy = { edge: deps.lanes.edge.healthy(this.lastTickMs), serverless: deps.lanes.serverless.healthy(this.lastTickMs) };
  }

  /** Starts the counting interval. */
  start(): void {
    this.intervalTimer = setInterval(() => void this.tick(), this.config.planner.countIntervalMs);
    this.intervalTimer.unref();
  }

  stop(): void {
    if (this.intervalTimer) clearInterval(this.intervalTimer);
  }

  /** One counting interval: arrivals to the rate detector, lane health, maybe a new plan, history, persistence. */
  async tick(): Promise<void> {
    const { engine, replanner, lanes, sync, now } = this.deps;
    const nowMs = now();
    const intervalMs = Math.max(1, nowMs - this.lastTickMs);
    this.lastTickMs = nowMs;
    this.ticks += 1;
    const count = engine.takeArrivalCount();
    replanner.observeArrivals(count, intervalMs, nowMs);
    for (const lane of ['edge', 'serverless'] as const) {
      const healthy = lanes[lane].healthy(nowMs);
      if (healthy !== this.lastHealthy[lane]) replanner.laneHealthChanged?.(lane, healthy, nowMs);
      this.lastHealthy[lane] = healthy;
    }
    this.recordChangepoints(replanner.estimates);
    this.maybeReplan(nowMs);
    this.deps.onTick?.({ intervalMs, nowMs });
    const estimates = replanner.estimates;
    this.deps.history.closeInterval(nowMs, {
      rateRps: (count * 1000) / intervalMs,
      bandwidthMbps: estimates.bandwidthMbps,
      queueDepth: engine.queueSnapshot().size,
    });
    // Persist detector state every few intervals, and look for plans other instances made.
    if (this.ticks % 5 === 0) {
      await sync.save('detectors', replanner.toRecord());
      await sync.poll();
    } else if (sync.pending > 0) {
      await sync.flush();
    }
  }

  private recordChangepoints(estimates: ReplannerEstimates): void {
    for (const kind of ['rate', 'bandwidth'] as const) {
      const atMs = estimates.lastChangepointMs[kind];
      if (atMs !== undefined && atMs > this.lastChangeSeenMs[kind]) {
        this.lastChangeSeenMs[kind] = atMs;
        const probability = kind === 'rate' ? estimates.rateChangeProbability : estimates.bandwidthChangeProbability;
        this.deps.history.recordChangepoint({ atMs, kind, probability: Math.min(1, Math.max(0, probability)) });
      }
    }
  }

  private maybeReplan(nowMs: number, force?: PlanReason): void {
    const { engine, replanner } = this.deps;
    const decision = force ? replanner.replan(force, nowMs) : replanner.decide(nowMs);
    if (!decision) return;
    const previous = engine.context.plan;
    engine.setPlan(decision.plan);
    this.deps.history.recordReplan({ atMs: nowMs, reason: decision.reason });
    this.deps.onReplan?.({ plan: decision.plan, previous, reason: decision.reason, nowMs });
    void this.deps.sync.save('plan', decision.plan).then(() => this.deps.sync.save('detectors', replanner.toRecord()));
  }

  /** Another instance's plan or detector state won in the store: take it. */
  adopt(state: RemoteState): void {
    const { engine, replanner } = this.deps;
    if (state.key === 'plan') {
      const plan = state.value as Plan;
      engine.setPlan(plan);
      replanner.adoptPlan(plan);
    } else if (state.key === 'detectors') {
      replanner.restore(state.value);
    }
  }

  async ingestTelemetry(body: unknown, nowMs: number): Promise<{ accepted: number }> {
    const parsed = TelemetryReportSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new EngineError('bad_request', `Telemetry ${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const report = parsed.data;
    const { edgePool, replanner, engine } = this.deps;
    edgePool.heartbeat(report.batchUrl, nowMs);
    for (const sample of report.bandwidth) {
      replanner.observeBandwidth('edge', sampleMbps(sample), nowMs);
      this.recentEdgeLink.add(sampleMbps(sample));
    }
    if (report.batches.length > 0) {
      engine.context.profiles = this.deps.updateEdgeProfile(engine.context.profiles, report.batches);
    }
    engine.context.links.edge = { ...engine.context.links.edge, bandwidthMbps: this.recentEdgeLink.estimate(replanner.estimates.bandwidthMbps.edge) };
    this.recordChangepoints(replanner.estimates);
    this.maybeReplan(nowMs);
    engine.poke(); // a new or returning agent may unblock a waiting edge batch
    return { accepted: report.bandwidth.length + report.batches.length };
  }

  planView(): { plan: Plan | null; version: number } {
    return { plan: this.deps.engine.context.plan ?? null, version: this.deps.sync.version('plan') };
  }

  stateView(nowMs: number): SchedulerState {
    const { engine, replanner, lanes, edgePool } = this.deps;
    const queue = engine.queueSnapshot(nowMs);
    const estimates = replanner.estimates;
    return {
      nowMs,
      queue: {
        depth: queue.size,
        byLane: { edge: queue.lanes.edge.depth, serverless: queue.lanes.serverless.depth },
        byPriority: { high: queue.byPriority.high, low: queue.byPriority.low },
        oldestWaitMs: queue.oldestWaitMs ?? 0,
      },
      estimates: {
        rateRps: estimates.rateRps,
        bandwidthMbps: estimates.bandwidthMbps,
        rateChangeProbability: clamp01(estimates.rateChangeProbability),
        bandwidthChangeProbability: clamp01(estimates.bandwidthChangeProbability),
      },
      history: this.deps.history.view(),
      ...this.deps.history.events(),
      lanes: {
        edge: {
          healthy: lanes.edge.healthy(nowMs),
          agents: edgePool.status(nowMs).map((agent) => ({
            id: agent.url,
            batchUrl: agent.url,
            healthy: agent.state === 'closed' || agent.state === 'half-open',
            lastSeenMs: agent.lastHeartbeatMs ?? null,
          })),
        },
        serverless: { healthy: lanes.serverless.healthy(nowMs) },
      },
      plan: engine.context.plan ?? null,
    };
  }

  async applyConfig(body: unknown, nowMs: number): Promise<unknown> {
    this.config = applyConfigPatch(this.config, body);
    this.deps.engine.context.sloMs = this.config.slo.latencyMs;
    this.deps.replanner.configure?.(this.config);
    this.maybeReplan(nowMs, 'config-change');
    const { slo, planner } = this.config;
    return { slo, planner: { replanIntervalMs: planner.replanIntervalMs, changeThreshold: planner.changeThreshold, bounds: planner.bounds } };
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
