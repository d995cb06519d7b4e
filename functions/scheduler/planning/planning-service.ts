/**
 * The scheduler's planning side: at the end of every counting interval it publishes this instance's arrivals,
 * and a grace period later feeds the total over all instances to the re-plan controller (BOCPD on rate and
 * bandwidth, see shared-arrivals.ts); it applies a new plan live once the other instances have not beaten it to
 * one (replan-decision.ts), and records history for /v1/state. Telemetry from edge agents brings bandwidth
 * samples (the bandwidth detector), batch latencies (the edge profile, updated online) and heartbeats (lane
 * health), from agents whose batch URL the operator allows. Plans, detector state and profiles persist through
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
import type { WarmPoolStatus } from '../lanes/fc-warm-pool.js';
import type { HttpBatchRunner } from '../lanes/http-batch-runner.js';
import type { Lane } from '../lanes/lane.js';
import type { ServiceTally } from '../ops/service-tally.js';
import { detectorsRecord, parseDetectorsRecord, type DetectorsRecord } from './detectors-record.js';
import type { StateHistoryRecorder } from './history.js';
import { decideReplan } from './replan-decision.js';
import { stateView } from './state-view.js';
import type { SharedArrivals } from './shared-arrivals.js';
import type { StateSync, RemoteState } from './state-sync.js';
import type { LiveReplanController, ReplanEstimates } from './live-replan-controller.js';

export interface PlanningDeps {
  readonly engine: SchedulerEngine;
  readonly replanController: LiveReplanController;
  readonly lanes: Readonly<Record<LaneId, Lane>>;
  readonly edgePool: HttpBatchRunner;
  readonly sync: StateSync;
  /** Arrival counts over all instances: this instance publishes its share and reads the totals. */
  readonly arrivals: SharedArrivals;
  /** Whether telemetry may register (or refresh) the edge agent at this batch URL. */
  readonly edgeUrlAllowed: (url: string) => boolean;
  readonly history: StateHistoryRecorder;
  /** Measured attainment and hedges, for /v1/state. */
  readonly tally: ServiceTally;
  /** FC minimum instances, when the serverless lane is FC. */
  readonly warmPool?: { status(): WarmPoolStatus };
  /** Folds measured batch latencies into the edge profile (online fit). */
  readonly updateEdgeProfile: (profiles: ProfileSet, samples: TelemetryReport['batches']) => ProfileSet;
  readonly onReplan?: (event: { plan: Plan; previous: Plan | undefined; reason: PlanReason; nowMs: number }) => void;
  /** A plan came into force, made here or adopted from another instance. */
  readonly onPlanInForce?: (plan: Plan) => void;
  readonly onTick?: (event: { intervalMs: number; nowMs: number }) => void;
  readonly onStoreError?: (error: EngineError, action: string) => void;
  /** A signed telemetry report named a batch URL that is not allowed; it was refused and changed nothing. */
  readonly onRefusedEdgeUrl?: (event: { url: string; agentId: string }) => void;
  /** Something failed in the background (an interval's observation); the next interval carries on. */
  readonly onError?: (error: unknown, action: string) => void;
  readonly now: () => number;
}

export class PlanningService implements PlanningApi {
  private intervalTimer: NodeJS.Timeout | undefined;
  private readonly graceTimers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private lastHealthy: Record<LaneId, boolean>;
  private lastChangeSeenMs = { rate: -Infinity, bandwidth: -Infinity };
  private observations = 0;
  /** Total arrival rate over all instances in the last interval observed. */
  private lastTotalRps = 0;
  /** Intervals are observed one at a time, in order; re-plan decisions likewise. */
  private observing: Promise<void> = Promise.resolve();
  private replanning: Promise<void> = Promise.resolve();
  /** What the queue times edge transfers on: the planner's estimate, or the last samples when they are lower. */
  private readonly recentEdgeLink = new RecentLinkEstimate();

  constructor(private readonly deps: PlanningDeps) {
    const nowMs = deps.now();
    this.lastHealthy = { edge: deps.lanes.edge.healthy(nowMs), serverless: deps.lanes.serverless.healthy(nowMs) };
  }

  /** The configuration in force: the engine's live state holds the one copy (live-state.ts). */
  private get config(): SchedulerConfig {
    return this.deps.engine.state.current.config;
  }

  /** Starts counting intervals, aligned on the clock so that every instance means the same interval. */
  start(): void {
    const intervalMs = this.config.planner.countIntervalMs;
    if (this.stopped) return;
    // The interval's end is fixed here, so a timer that fires late still publishes for the interval that ended;
    // the extra millisecond keeps one rounded down from taking the count before the interval is over.
    const endMs = (Math.floor(this.deps.now() / intervalMs) + 1) * intervalMs;
    this.intervalTimer = setTimeout(() => {
      this.start();
      this.endInterval(endMs);
    }, endMs - this.deps.now() + 1);
    this.intervalTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.intervalTimer) clearTimeout(this.intervalTimer);
    for (const timer of this.graceTimers) clearTimeout(timer);
    this.graceTimers.clear();
  }

  /** An interval ended at endMs: publish this instance's arrivals, and observe the totals a grace period later. */
  endInterval(endMs: number): void {
    const { engine, arrivals } = this.deps;
    const published = arrivals.publish(arrivals.intervalAt(endMs) - 1, engine.takeArrivalCount(), this.deps.now());
    const timer = setTimeout(() => {
      this.graceTimers.delete(timer);
      // Our own share first, however slow the store: the total must include it.
      this.observing = this.observing
        .then(() => published)
        .then(() => this.observe())
        .catch((error: unknown) => this.deps.onError?.(error, 'observe a counting interval'));
    }, this.config.planner.countGraceMs);
    timer.unref();
    this.graceTimers.add(timer);
  }

  /** Totals of the intervals now complete to the rate detector, lane health, maybe a new plan, history, persistence. */
  async observe(): Promise<void> {
    const { engine, replanController, lanes, sync, arrivals, now } = this.deps;
    const intervalMs = this.config.planner.countIntervalMs;
    for (const observed of await arrivals.ready(now())) {
      replanController.observeArrivals(observed.count.total, intervalMs, observed.endMs);
      this.lastTotalRps = (observed.count.total * 1000) / intervalMs;
    }
    const nowMs = now();
    this.observations += 1;
    for (const lane of ['edge', 'serverless'] as const) {
      const healthy = lanes[lane].healthy(nowMs);
      if (healthy !== this.lastHealthy[lane]) replanController.laneHealthChanged(lane, healthy);
      this.lastHealthy[lane] = healthy;
    }
    this.recordChangepoints(replanController.estimates);
    await this.maybeReplan(nowMs);
    this.deps.onTick?.({ intervalMs, nowMs });
    const estimates = replanController.estimates;
    this.deps.history.closeInterval(nowMs, {
      rateRps: this.lastTotalRps,
      bandwidthMbps: estimates.bandwidthMbps,
      queueDepth: engine.queueSnapshot().size,
    });
    // Persist detector state every few intervals, and look for plans other instances made.
    if (this.observations % 5 === 0) {
      await sync.save('detectors', this.detectorsRecord());
      await sync.poll();
    } else if (sync.pending > 0) {
      await sync.flush();
    }
  }

  /** The end of the last interval whose total the rate detector has seen. */
  private observedUntilMs(): number | undefined {
    const last = this.deps.arrivals.lastObserved;
    return last === undefined ? undefined : (last + 1) * this.config.planner.countIntervalMs;
  }

  /** The detector state to persist, with the last interval it has seen. */
  detectorsRecord(): DetectorsRecord {
    return detectorsRecord(this.deps.replanController.toRecord(), this.deps.arrivals.lastObserved);
  }

  private recordChangepoints(estimates: ReplanEstimates): void {
    for (const kind of ['rate', 'bandwidth'] as const) {
      const atMs = estimates.lastChangepointMs[kind];
      if (atMs !== undefined && atMs > this.lastChangeSeenMs[kind]) {
        this.lastChangeSeenMs[kind] = atMs;
        const probability = kind === 'rate' ? estimates.rateChangeProbability : estimates.bandwidthChangeProbability;
        this.deps.history.recordChangepoint({ atMs, kind, probability: Math.min(1, Math.max(0, probability)) });
      }
    }
  }

  /** Re-plans if the controller (or `force`) calls for it; one decision at a time, settled with the other instances. */
  private maybeReplan(nowMs: number, force?: PlanReason): Promise<void> {
    const run = this.replanning.then(() => this.replanOnce(nowMs, force));
    this.replanning = run.catch(() => undefined); // the caller sees the error; the next decision still runs
    return run;
  }

  private async replanOnce(nowMs: number, force?: PlanReason): Promise<void> {
    const { engine, replanController, sync } = this.deps;
    const result = await decideReplan(
      {
        replanController,
        current: () => engine.state.current.plan,
        propose: (plan) => sync.propose(plan),
        intervalMs: this.config.planner.countIntervalMs,
        observedUntilMs: this.observedUntilMs(),
      },
      nowMs,
      force,
    );
    if (result.kind !== 'replanned') return;
    const previous = engine.state.current.plan;
    engine.setPlan(result.plan);
    this.deps.onPlanInForce?.(result.plan);
    this.deps.history.recordReplan({ atMs: nowMs, reason: result.reason });
    this.deps.onReplan?.({ plan: result.plan, previous, reason: result.reason, nowMs });
    if (result.outcome === 'won') await sync.save('detectors', this.detectorsRecord());
  }

  /** Another instance's plan or detector state won in the store: take it. */
  adopt(state: RemoteState): void {
    const { engine, replanController } = this.deps;
    if (state.key === 'plan') {
      const plan = state.value as Plan;
      engine.setPlan(plan);
      replanController.adoptPlan(plan);
      this.deps.onPlanInForce?.(plan);
    } else if (state.key === 'detectors') {
      const record = parseDetectorsRecord(state.value);
      if (record) replanController.restore(record.controller);
    }
  }

  async ingestTelemetry(body: unknown, nowMs: number): Promise<{ accepted: number }> {
    const parsed = TelemetryReportSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new EngineError('invalid_input', `Telemetry ${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const report = parsed.data;
    const { edgePool, replanController, engine } = this.deps;
    // A valid signature proves the sender holds the edge secret, not that it should receive batches: the operator
    // says which batch URLs may join. Refused before anything changes: no agent added, no sample taken.
    if (!this.deps.edgeUrlAllowed(report.batchUrl)) {
      this.deps.onRefusedEdgeUrl?.({ url: report.batchUrl, agentId: report.agentId });
      throw new EngineError('forbidden', `Telemetry names batch URL ${report.batchUrl}, which is not an allowed edge URL (EDGE_URLS, EDGE_URL_ALLOW)`);
    }
    edgePool.heartbeat(report.batchUrl, nowMs);
    for (const sample of report.bandwidth) this.observeEdgeLink(sampleMbps(sample), nowMs);
    if (report.batches.length > 0) {
      engine.state.update({ profiles: this.deps.updateEdgeProfile(engine.state.current.profiles, report.batches) });
    }
    this.recordChangepoints(replanController.estimates);
    await this.maybeReplan(nowMs);
    engine.poke(); // a new or returning agent may unblock a waiting edge batch
    return { accepted: report.bandwidth.length + report.batches.length };
  }

  /**
   * An edge call ran out of its time unanswered: its bits over the time it had bound the link from above. On a link
   * too slow for the load, every batch is abandoned before the agent reads a byte of it, so the agent has nothing
   * to time and this is the only measurement there is. Taken only when it says the link is slower than estimated:
   * a call can also time out for other reasons (a busy GPU), and then the bound says nothing new.
   */
  observeEdgeTimeout(bits: number, elapsedMs: number, nowMs: number): void {
    if (!(bits > 0 && elapsedMs > 0)) return;
    const boundMbps = bits / elapsedMs / 1000;
    if (boundMbps < this.deps.engine.state.current.links.edge.bandwidthMbps) this.observeEdgeLink(boundMbps, nowMs);
  }

  /** One measurement of the edge's link, for the detector and for the queue's transfer times. */
  private observeEdgeLink(mbps: number, nowMs: number): void {
    const { replanController, engine } = this.deps;
    replanController.observeBandwidth('edge', mbps, nowMs);
    this.recentEdgeLink.add(mbps);
    const { links } = engine.state.current;
    engine.state.update({ links: { ...links, edge: { ...links.edge, bandwidthMbps: this.recentEdgeLink.estimate(replanController.estimates.bandwidthMbps.edge) } } });
  }

  planView(): { plan: Plan | null; version: number } {
    return { plan: this.deps.engine.state.current.plan, version: this.deps.sync.version('plan') };
  }

  /** The SLO in force (PUT /v1/config may change it). */
  get slo(): SchedulerConfig['slo'] {
    return this.config.slo;
  }

  stateView(nowMs: number): SchedulerState {
    return stateView(this.deps, nowMs);
  }

  async applyConfig(body: unknown, nowMs: number): Promise<unknown> {
    // One swap: the engine's SLO, the planner's inputs and this service all read the config from the live state.
    this.deps.engine.state.update({ config: applyConfigPatch(this.config, body) });
    this.deps.replanController.configure();
    await this.maybeReplan(nowMs, 'config-change');
    const { slo, planner } = this.config;
    return { slo, planner: { changeThreshold: planner.changeThreshold, bounds: planner.bounds } };
  }
}
