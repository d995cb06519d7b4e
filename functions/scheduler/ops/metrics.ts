/**
 * Prometheus metrics (`GET /metrics`) with prom-client, in a Registry of our own: the global default registry
 * would mix in whatever else a process registers and make tests depend on one another.
 *
 * The scheduler calls typed methods; units follow the engine (ms) at the call and Prometheus convention
 * (seconds, `_total` counters, base units) in the output.
 */
import { Hono } from 'hono';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LaneId, Plan, PlanReason, Priority } from '../../../shared/core/types.js';
import type { ErrorCode } from '../../../shared/core/errors.js';

/** How a request ended: a result, or the error code it was answered with. */
export type RequestOutcome = 'result' | ErrorCode;
export type ChangeSignal = 'rate' | 'bandwidth';

/** Batch sizes up to the planner's 1024 bound. */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
/** 5 ms .. 30 s: a batch on a warm edge takes tens of ms; a cold FC start seconds. */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];

export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag). Default true. */
  readonly processMetrics?: boolean;
  /** Prefix of every name. Default "edgebatch_". */
  readonly prefix?: string;
}

export class SchedulerMetrics {
  readonly registry = new Registry();
  private readonly queueDepth: Gauge<'lane' | 'priority'>;
  private readonly batchSize: Histogram<'lane'>;
  private readonly batchLatency: Histogram<'lane'>;
  private readonly requestLatency: Histogram<'outcome'>;
  private readonly requests: Counter<'outcome'>;
  private readonly sloViolations: Counter<'lane'>;
  private readonly replans: Counter<'reason'>;
  private readonly changeProbability: Gauge<'signal'>;
  private readonly arrivalRate: Gauge;
  private readonly bandwidth: Gauge<'lane'>;
  private readonly costUsd: Counter<'lane'>;
  private readonly laneHealthy: Gauge<'lane'>;
  private readonly coldStarts: Counter;
  private readonly planBatchSize: Gauge<'lane'>;
  private readonly planTimeout: Gauge<'lane'>;
  private readonly planShare: Gauge<'lane'>;
  private readonly planMemory: Gauge;
  private readonly planWarm: Gauge;
  private readonly planSloTarget: Gauge;
  private readonly planAttainment: Gauge;
  private readonly sloTarget: Gauge;
  private readonly sloLatency: Gauge;
  private readonly sloAttainment: Gauge<'window'>;
  private readonly hedgesSent: Counter<'lane'>;
  private readonly hedgesWon: Counter<'lane'>;
  private readonly hedgeCost: Counter;
  private readonly warmApplied: Gauge;
  private readonly warmErrors: Counter;
  /**
   * Labelled children of the metrics touched for every request, made once per label value: prom-client hashes a
   * label object on every call otherwise, a cost paid per request.
   */
  private readonly perRequest = new Map<RequestOutcome, { readonly count: { inc(): void }; readonly latency: { observe(value: number): void } }>();
  private readonly attainmentGauges = new Map<string, { set(value: number): void }>();

  constructor(options: MetricsOptions = {}) {
    const p = options.prefix ?? 'edgebatch_';
    const registers = [this.registry];
    this.queueDepth = new Gauge({ name: `${p}queue_depth`, help: 'Requests waiting, by lane they are planned for and priority', labelNames: ['lane', 'priority'], registers });
    this.batchSize = new Histogram({ name: `${p}batch_size`, help: 'Requests per dispatched batch', labelNames: ['lane'], buckets: BATCH_SIZE_BUCKETS, registers });
    this.batchLatency = new Histogram({ name: `${p}batch_latency_seconds`, help: 'Time from dispatch to answer of a batch', labelNames: ['lane'], buckets: LATENCY_BUCKETS_S, registers });
    this.requestLatency = new Histogram({ name: `${p}request_duration_seconds`, help: 'Time from arrival to answer of a request', labelNames: ['outcome'], buckets: LATENCY_BUCKETS_S, registers });
    this.requests = new Counter({ name: `${p}requests_total`, help: 'Requests answered, by outcome (result or error code)', labelNames: ['outcome'], registers });
    this.sloViolations = new Counter({ name: `${p}slo_violations_total`, help: 'Requests answered later than their deadline, by lane', labelNames: ['lane'], registers });
    this.replans = new Counter({ name: `${p}replans_total`, help: 'Plans made, by reason', labelNames: ['reason'], registers });
    this.changeProbability = new Gauge({ name: `${p}changepoint_probability`, help: 'BOCPD probability of a change at the latest observation', labelNames: ['signal'], registers });
    this.arrivalRate = new Gauge({ name: `${p}arrival_rate_rps`, help: 'Estimated arrival rate (requests per second)', registers });
    this.bandwidth = new Gauge({ name: `${p}bandwidth_mbps`, help: 'Estimated bandwidth to each lane (Mbit/s)', labelNames: ['lane'], registers });
    this.costUsd = new Counter({ name: `${p}cost_usd_total`, help: 'Estimated spend (USD) by lane', labelNames: ['lane'], registers });
    this.laneHealthy = new Gauge({ name: `${p}lane_healthy`, help: '1 when the lane takes traffic, 0 when its circuit is open', labelNames: ['lane'], registers });
    this.coldStarts = new Counter({ name: `${p}serverless_cold_starts_total`, help: 'Serverless calls that started a new instance', registers });
    this.planBatchSize = new Gauge({ name: `${p}plan_batch_size`, help: 'Largest batch of the plan in force', labelNames: ['lane'], registers });
    this.planTimeout = new Gauge({ name: `${p}plan_timeout_seconds`, help: 'Longest batch wait of the plan in force', labelNames: ['lane'], registers });
    this.planShare = new Gauge({ name: `${p}plan_share`, help: 'Traffic share of the plan in force', labelNames: ['lane'], registers });
    this.planMemory = new Gauge({ name: `${p}plan_serverless_memory_mb`, help: 'Serverless memory size of the plan in force', registers });
    this.planWarm = new Gauge({ name: `${p}plan_warm_instances`, help: 'FC instances the plan in force keeps warm (minimum instances)', registers });
    this.planSloTarget = new Gauge({ name: `${p}plan_slo_target_ratio`, help: 'SLO target the plan in force was made for', registers });
    this.planAttainment = new Gauge({ name: `${p}plan_predicted_attainment_ratio`, help: 'Fraction of requests the plan in force is predicted to answer within the SLO latency', registers });
    this.sloTarget = new Gauge({ name: `${p}slo_target_ratio`, help: 'The SLO target: the fraction of requests to answer within the SLO latency (configuration)', registers });
    this.sloLatency = new Gauge({ name: `${p}slo_latency_seconds`, help: 'The SLO latency (configuration)', registers });
    this.sloAttainment = new Gauge({
      name: `${p}slo_attainment_ratio`,
      help: 'Measured fraction of requests answered with a result within the SLO latency (errors and refusals count as misses), since start or over the recent window',
      labelNames: ['window'],
      registers,
    });
    this.hedgesSent = new Counter({ name: `${p}hedges_sent_total`, help: 'Requests copied to the other lane because their batch ran late, by the lane the copies went to', labelNames: ['lane'], registers });
    this.hedgesWon = new Counter({ name: `${p}hedges_won_total`, help: 'Requests answered first by their hedge copy, by the lane that answered', labelNames: ['lane'], registers });
    this.hedgeCost = new Counter({ name: `${p}hedge_cost_usd_total`, help: 'Estimated extra spend (USD) of serverless hedge copies: the configuration price for the measured duration', registers });
    this.warmApplied = new Gauge({ name: `${p}serverless_warm_instances_applied`, help: 'FC minimum instances last applied to the function of the plan in force', registers });
    this.warmErrors = new Counter({ name: `${p}warm_pool_errors_total`, help: 'FC calls setting minimum instances that failed (retried later)', registers });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  setQueueDepth(lane: LaneId, priority: Priority, depth: number): void {
    this.queueDepth.set({ lane, priority }, depth);
  }

  observeBatch(lane: LaneId, size: number, latencyMs: number): void {
    this.batchSize.observe({ lane }, size);
    this.batchLatency.observe({ lane }, latencyMs / 1000);
  }

  observeRequest(outcome: RequestOutcome, latencyMs: number): void {
    let children = this.perRequest.get(outcome);
    if (children === undefined) {
      children = { count: this.requests.labels({ outcome }), latency: this.requestLatency.labels({ outcome }) };
      this.perRequest.set(outcome, children);
    }
    children.count.inc();
    children.latency.observe(latencyMs / 1000);
  }

  countSloViolation(lane: LaneId, count = 1): void {
    this.sloViolations.inc({ lane }, count);
  }

  countReplan(reason: PlanReason): void {
    this.replans.inc({ reason });
  }

  setChangeProbability(signal: ChangeSignal, probability: number): void {
    this.changeProbability.set({ signal }, probability);
  }

  setEstimates(rateRps: number, bandwidthMbps: Readonly<Record<LaneId, number>>): void {
    this.arrivalRate.set(rateRps);
    this.bandwidth.set({ lane: 'edge' }, bandwidthMbps.edge);
    this.bandwidth.set({ lane: 'serverless' }, bandwidthMbps.serverless);
  }

  addCost(lane: LaneId, usd: number): void {
    if (usd > 0) this.costUsd.inc({ lane }, usd);
  }

  setLaneHealth(lane: LaneId, healthy: boolean): void {
    this.laneHealthy.set({ lane }, healthy ? 1 : 0);
  }

  countColdStart(count = 1): void {
    this.coldStarts.inc(count);
  }

  /** The plan in force, as gauges, so a graph shows when and how it changed. */
  setPlan(plan: Plan): void {
    for (const lane of ['edge', 'serverless'] as const) {
      this.planBatchSize.set({ lane }, plan.lanes[lane].batchSize);
      this.planTimeout.set({ lane }, plan.lanes[lane].timeoutMs / 1000);
      this.planShare.set({ lane }, plan.lanes[lane].share);
    }
    this.planMemory.set(plan.serverless.memoryMb);
    this.planWarm.set(plan.warmInstances);
    this.planSloTarget.set(plan.sloTarget);
    this.planAttainment.set(plan.predicted.attainment);
  }

  /** The SLO as configured (it may change live through PUT /v1/config). */
  setSlo(slo: { readonly latencyMs: number; readonly target: number }): void {
    this.sloLatency.set(slo.latencyMs / 1000);
    this.sloTarget.set(slo.target);
  }

  /** Measured attainment over a window ('since_start' or 'recent'); left unset until a request has ended. */
  setMeasuredAttainment(window: 'since_start' | 'recent', attainment: number | null): void {
    if (attainment === null) return;
    let gauge = this.attainmentGauges.get(window);
    if (gauge === undefined) {
      gauge = this.sloAttainment.labels({ window });
      this.attainmentGauges.set(window, gauge);
    }
    gauge.set(attainment);
  }

  countHedgeSent(lane: LaneId, copies: number): void {
    this.hedgesSent.inc({ lane }, copies);
  }

  countHedgeWon(lane: LaneId): void {
    this.hedgesWon.inc({ lane });
  }

  addHedgeCost(usd: number): void {
    if (usd > 0) this.hedgeCost.inc(usd);
  }

  setWarmApplied(instances: number): void {
    this.warmApplied.set(instances);
  }

  countWarmError(): void {
    this.warmErrors.inc();
  }

  /** The exposition text for `GET /metrics` (serve with `contentType`). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Hono sub-app: `GET /metrics` in the Prometheus text format. */
export function createMetricsRoutes(metrics: SchedulerMetrics): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }));
  return app;
}
