/**
 * The re-plan controller: decides WHEN to re-plan, for the production scheduler and the simulator alike.
 *
 * It feeds a Poisson-Gamma BOCPD detector with arrival counts per interval (exposure = interval / nominal
 * interval, so unequal bins are fine) and one Normal-Gamma detector per lane with log(Mbit/s) bandwidth samples.
 * Its estimates are segment means: the arrival rate since the last detected rate changepoint, and per lane the
 * geometric mean bandwidth since that lane's last changepoint. `decide(now)` re-plans:
 * - 'initial' when there is no plan;
 * - 'lane-health' when a lane's health changed;
 * - 'rate-change' / 'bandwidth-change' when a changepoint was detected and the new segment holds at least
 *   `minSegmentObservations` observations (a few, so the estimate is not one noisy bin), or when the segment's
 *   estimate has drifted from what the plan assumed by more than `driftTolerance` (slow drifts BOCPD does not
 *   call a change);
 * and then only if the new plan differs from the current one (the guard against re-planning for nothing), and
 * never more often than every `minReplanSpacingMs` except for health changes and the first plan.
 */
import { createDetector, type Detector, type DetectorRecord } from '../bocpd/detector.js';
import type { DetectorOptions } from '../bocpd/options.js';
import { createNormalGammaModel } from '../bocpd/normal-gamma.js';
import { createPoissonGammaModel } from '../bocpd/poisson-gamma.js';
import { restoreDetector } from '../bocpd/record.js';
import { createChangepointRule, restoreChangepointRule, type ChangepointRule, type ChangepointRuleOptions, type ChangepointRuleRecord } from '../bocpd/rule.js';
import { EngineError, expected } from '../errors.js';
import { LANE_IDS, type LaneId, type Plan, type PlanReason } from '../types.js';
import { linkSpread, peakRate } from './recent-spread.js';
import { samePlan } from './same-plan.js';
import { SegmentTracker, type SegmentRecord } from './segment-tracker.js';

/** What the controller asks its planner for; the caller closes over SLO, profiles, prices and bounds. */
export interface ControllerPlanRequest {
  readonly rateRps: number;
  /** The busiest recent stretch's rate (recent-spread.ts): FC's warm pool is sized for it. */
  readonly rateHighRps?: number;
  readonly bandwidthMbps: Readonly<Record<LaneId, number>>;
  /** Each lane's recent bandwidth spread relative to its median (recent-spread.ts), when known. */
  readonly linkSpread?: Readonly<Partial<Record<LaneId, readonly number[]>>>;
  readonly reason: PlanReason;
  readonly nowMs: number;
  readonly lanesHealthy: Readonly<Record<LaneId, boolean>>;
  /** The plan in force, if any: a planner may answer with it (as samePlan judges) when re-planning would not pay. */
  readonly current?: Plan;
}

export interface ReplanControllerOptions {
  readonly planner: (request: ControllerPlanRequest) => Plan;
  /** Nominal observation interval for arrival counts (ms). Default 1,000. */
  readonly intervalMs?: number;
  readonly rateDetector?: DetectorOptions;
  /** Defaults: the detector's, with expectedSegmentLength 600 (see DEFAULT_BANDWIDTH_DETECTOR). */
  readonly bandwidthDetector?: DetectorOptions;
  readonly rateRule?: ChangepointRuleOptions;
  /** Defaults: threshold 0.9, minSpacing 30 (see DEFAULT_BANDWIDTH_RULE). */
  readonly bandwidthRule?: ChangepointRuleOptions;
  /** Observations a new segment must hold before its estimate is planned on. Default 3. */
  readonly minSegmentObservations?: number;
  /** Relative drift of the rate estimate from the plan's input that triggers a re-plan. Default 0.25. */
  readonly driftTolerance?: number;
  /**
   * Relative drift of a bandwidth estimate that triggers a re-plan. Default 1 (a doubling or more): cellular links swing by tens of
   * percent second to second (the AT&T LTE uplink trace), and re-planning on each swing is what BOCPD is for
   * avoiding; a real level shift is caught as a changepoint.
   */
  readonly bandwidthDriftTolerance?: number;
  /** Observations a segment needs before drift is judged. Default 10. */
  readonly driftMinObservations?: number;
  /** Least time between two re-plans for changes (ms). Default 5,000. */
  readonly minReplanSpacingMs?: number;
  /** Bandwidth assumed for a lane before its first sample (Mbit/s). Default 10. */
  readonly initialBandwidthMbps?: number;
}

export interface ControllerEstimates {
  readonly rateRps: number;
  readonly rateHighRps: number;
  readonly bandwidthMbps: Readonly<Record<LaneId, number>>;
  readonly linkSpread: Readonly<Partial<Record<LaneId, readonly number[]>>>;
  readonly rateChangeProbability: number;
  readonly bandwidthChangeProbability: number;
  readonly lastChangepointMs: { readonly rate: number | null; readonly bandwidth: Readonly<Record<LaneId, number | null>> };
}

export interface ControllerRecord {
  readonly version: 1;
  readonly rate: { detector: DetectorRecord; rule: ChangepointRuleRecord; segment: SegmentRecord; lastChangeMs: number | null; probability: number };
  readonly bandwidth: Record<LaneId, { detector: DetectorRecord; rule: ChangepointRuleRecord; segment: SegmentRecord; lastChangeMs: number | null; probability: number }>;
  readonly plan: Plan | null;
  readonly pending: PlanReason | null;
  readonly lastReplanMs: number | null;
  readonly lanesHealthy: Record<LaneId, boolean>;
}

interface Channel {
  detector: Detector;
  rule: ChangepointRule;
  segment: SegmentTracker;
  lastChangeMs: number | null;
  probability: number;
}

const LOG_FLOOR_MBPS = 0.01;

/**
 * Bandwidth defaults, stricter than the detector's own: cellular throughput is heavy-tailed second to second
 * (dead seconds, bursts), and a Gaussian on log(Mbit/s) reads many of those as level shifts. Expecting segments
 * of ten minutes and asking for 90% posterior mass on a recent change, 30 samples apart, keeps the re-plans to
 * real shifts (measured on ATT-LTE-driving.up: see bench/simulate.bench.ts).
 */
const DEFAULT_BANDWIDTH_DETECTOR: DetectorOptions = { expectedSegmentLength: 600 };
const DEFAULT_BANDWIDTH_RULE: ChangepointRuleOptions = { threshold: 0.9, minSpacing: 30 };

export class ReplanController {
  private readonly options: Required<Omit<ReplanControllerOptions, 'rateDetector' | 'bandwidthDetector' | 'rateRule' | 'bandwidthRule'>> & ReplanControllerOptions;
  private rate: Channel;
  private bandwidth: Record<LaneId, Channel>;
  private plan: Plan | undefined;
  private pending: PlanReason | undefined;
  private lastReplanMs: number | undefined;
  private lanesHealthy: Record<LaneId, boolean> = { edge: true, serverless: true };
  /** Instants of detected changepoints (ms, start of the new segment), for reports; not persisted. */
  readonly changepoints: Array<{ atMs: number; kind: 'rate' | LaneId }> = [];

  constructor(options: ReplanControllerOptions) {
    this.options = {
      intervalMs: 1000,
      minSegmentObservations: 3,
      driftTolerance: 0.25,
      bandwidthDriftTolerance: 1,
      driftMinObservations: 10,
      minReplanSpacingMs: 5000,
      initialBandwidthMbps: 10,
      ...options,
    };
    const o = this.options;
    if (typeof o.planner !== 'function') throw new EngineError('internal', expected('a planner function', o.planner));
    for (const [name, value] of [['intervalMs', o.intervalMs], ['minReplanSpacingMs', o.minReplanSpacingMs], ['driftTolerance', o.driftTolerance], ['bandwidthDriftTolerance', o.bandwidthDriftTolerance], ['initialBandwidthMbps', o.initialBandwidthMbps]] as const) {
      if (!(value >= 0) || !Number.isFinite(value)) throw new EngineError('invalid_input', expected(`${name} >= 0`, value));
    }
    this.rate = this.channel(createDetector(createPoissonGammaModel(), o.rateDetector), createChangepointRule(o.rateRule));
    const bandwidthDetector = { ...DEFAULT_BANDWIDTH_DETECTOR, ...o.bandwidthDetector };
    const bandwidthRule = { ...DEFAULT_BANDWIDTH_RULE, ...o.bandwidthRule };
    this.bandwidth = {
      edge: this.channel(createDetector(createNormalGammaModel(), bandwidthDetector), createChangepointRule(bandwidthRule)),
      serverless: this.channel(createDetector(createNormalGammaModel(), bandwidthDetector), createChangepointRule(bandwidthRule)),
    };
  }

  private channel(detector: Detector, rule: ChangepointRule): Channel {
    return { detector, rule, segment: new SegmentTracker(), lastChangeMs: null, probability: 0 };
  }

  /** Arrivals counted over the interval ending at nowMs. */
  observeArrivals(count: number, intervalMs: number, nowMs: number): void {
    if (!(count >= 0) || !(intervalMs > 0)) throw new EngineError('internal', expected('a count >= 0 over an interval > 0 ms', { count, intervalMs }));
    const exposure = intervalMs / this.options.intervalMs;
    this.feed(this.rate, count, exposure, nowMs, 'rate', 'rate-change');
  }

  /** One bandwidth sample of a lane's link (Mbit/s). */
  observeBandwidth(lane: LaneId, mbps: number, nowMs: number): void {
    if (!(mbps >= 0) || !Number.isFinite(mbps)) throw new EngineError('internal', expected('a bandwidth sample >= 0 Mbit/s', mbps));
    this.feed(this.bandwidth[lane], Math.log(Math.max(mbps, LOG_FLOOR_MBPS)), 1, nowMs, lane, 'bandwidth-change');
  }

  /** Marks a lane healthy or not; a change triggers a re-plan at the next decide(). */
  setLaneHealth(lane: LaneId, healthy: boolean): void {
    if (this.lanesHealthy[lane] === healthy) return;
    this.lanesHealthy = { ...this.lanesHealthy, [lane]: healthy };
    this.pending = 'lane-health';
  }

  private feed(channel: Channel, value: number, exposure: number, nowMs: number, kind: 'rate' | LaneId, reason: PlanReason): void {
    const index = channel.detector.steps;
    const output = channel.detector.update(value, exposure);
    channel.segment.add(index, value, exposure, nowMs);
    channel.probability = output.changeProbability;
    const change = channel.rule.observe(output);
    if (!change) return;
    const atMs = channel.segment.startMsOf(change.index, this.options.intervalMs) ?? nowMs;
    channel.segment.cut(change.index);
    channel.lastChangeMs = atMs;
    this.changepoints.push({ atMs, kind });
    if (this.pending !== 'lane-health') this.pending = reason;
  }

  get estimates(): ControllerEstimates {
    const rateMean = this.rate.segment.mean;
    const bandwidthOf = (lane: LaneId) => {
      const mean = this.bandwidth[lane].segment.mean;
      return Number.isNaN(mean) ? this.options.initialBandwidthMbps : Math.exp(mean);
    };
    const perSecond = 1000 / this.options.intervalMs;
    const rateRps = Number.isNaN(rateMean) ? 0 : rateMean * perSecond;
    const recentArrivals = this.rate.segment.recent();
    const peak = peakRate(recentArrivals.values, recentArrivals.exposures) * perSecond;
    const linkSpreads: Partial<Record<LaneId, readonly number[]>> = {};
    for (const lane of LANE_IDS) {
      const spread = linkSpread(this.bandwidth[lane].segment.recent().values);
      if (spread) linkSpreads[lane] = spread;
    }
    return {
      rateRps,
      rateHighRps: Number.isNaN(peak) ? rateRps : Math.max(rateRps, peak),
      bandwidthMbps: { edge: bandwidthOf('edge'), serverless: bandwidthOf('serverless') },
      linkSpread: linkSpreads,
      rateChangeProbability: this.rate.probability,
      bandwidthChangeProbability: Math.max(this.bandwidth.edge.probability, this.bandwidth.serverless.probability),
      lastChangepointMs: { rate: this.rate.lastChangeMs, bandwidth: { edge: this.bandwidth.edge.lastChangeMs, serverless: this.bandwidth.serverless.lastChangeMs } },
    };
  }

  get currentPlan(): Plan | undefined {
    return this.plan;
  }

  /** What the planner is asked for `reason` now: the estimates and the lanes' health (no plan in force given). */
  planRequest(reason: PlanReason, nowMs: number, estimates: ControllerEstimates = this.estimates): ControllerPlanRequest {
    const { rateRps, rateHighRps, bandwidthMbps, linkSpread } = estimates;
    return { rateRps, rateHighRps, bandwidthMbps, linkSpread, reason, nowMs, lanesHealthy: this.lanesHealthy };
  }

  /** Call after the observations of an interval: a new plan and why, or undefined to keep the current one. */
  decide(nowMs: number): { plan: Plan; reason: PlanReason } | undefined {
    const o = this.options;
    const estimates = this.estimates;
    let reason: PlanReason | undefined;
    if (!this.plan) reason = 'initial';
    else if (this.pending === 'lane-health') reason = 'lane-health';
    else if (this.lastReplanMs !== undefined && nowMs - this.lastReplanMs < o.minReplanSpacingMs) return undefined;
    else if (this.pending === 'rate-change' && this.rate.segment.length >= o.minSegmentObservations) reason = 'rate-change';
    else if (this.pending === 'bandwidth-change' && LANE_IDS.every((lane) => this.bandwidth[lane].segment.length >= Math.min(o.minSegmentObservations, this.bandwidth[lane].detector.steps))) reason = 'bandwidth-change';
    else reason = this.drift(estimates);
    if (!reason) return undefined;
    this.pending = undefined;
    const plan = this.options.planner({ ...this.planRequest(reason, nowMs, estimates), ...(this.plan ? { current: this.plan } : {}) });
    if (this.plan && reason !== 'lane-health' && samePlan(plan, this.plan)) {
      // Same batching as now: nothing to change. Remember the inputs so drift is judged from here.
      this.plan = { ...this.plan, rateRps: plan.rateRps, bandwidthMbps: plan.bandwidthMbps };
      this.lastReplanMs = nowMs;
      return undefined;
    }
    this.plan = plan;
    this.lastReplanMs = nowMs;
    return { plan, reason };
  }

  private drift(estimates: ControllerEstimates): PlanReason | undefined {
    const o = this.options;
    const plan = this.plan!;
    const off = (now: number, planned: number, tolerance: number) => planned > 0 && Math.abs(now - planned) / planned > tolerance;
    if (this.rate.segment.length >= o.driftMinObservations && off(estimates.rateRps, plan.rateRps, o.driftTolerance)) return 'rate-change';
    for (const lane of LANE_IDS) {
      if (this.bandwidth[lane].segment.length >= o.driftMinObservations && off(estimates.bandwidthMbps[lane], plan.bandwidthMbps[lane], o.bandwidthDriftTolerance)) return 'bandwidth-change';
    }
    return undefined;
  }

  /** Detectors, rules, segments and plan state, JSON-able, for the state store. */
  toRecord(): ControllerRecord {
    const channel = (c: Channel) => ({ detector: c.detector.toRecord(), rule: c.rule.toRecord(), segment: c.segment.toRecord(), lastChangeMs: c.lastChangeMs, probability: c.probability });
    return {
      version: 1,
      rate: channel(this.rate),
      bandwidth: { edge: channel(this.bandwidth.edge), serverless: channel(this.bandwidth.serverless) },
      plan: this.plan ?? null,
      pending: this.pending ?? null,
      lastReplanMs: this.lastReplanMs ?? null,
      lanesHealthy: { ...this.lanesHealthy },
    };
  }

  static fromRecord(record: ControllerRecord, options: ReplanControllerOptions): ReplanController {
    if (!record || record.version !== 1) throw new EngineError('invalid_input', expected('a controller record of version 1', record?.version));
    const controller = new ReplanController(options);
    // The record carries each channel's state; its settings (the hazard, the rule's threshold and spacing) are
    // the options', so a configuration changed since the record was written applies to the restored channels.
    const channel = (r: ControllerRecord['rate'], configured: Channel): Channel => {
      const settings = { detector: configured.detector.toRecord().options, rule: configured.rule.toRecord() };
      return {
        detector: restoreDetector({ ...r.detector, options: { ...r.detector.options, expectedSegmentLength: settings.detector.expectedSegmentLength } }),
        rule: restoreChangepointRule({ ...r.rule, threshold: settings.rule.threshold, minSpacing: settings.rule.minSpacing }),
        segment: SegmentTracker.fromRecord(r.segment),
        lastChangeMs: r.lastChangeMs,
        probability: r.probability,
      };
    };
    controller.rate = channel(record.rate, controller.rate);
    controller.bandwidth = { edge: channel(record.bandwidth.edge, controller.bandwidth.edge), serverless: channel(record.bandwidth.serverless, controller.bandwidth.serverless) };
    controller.plan = record.plan ?? undefined;
    controller.pending = record.pending ?? undefined;
    controller.lastReplanMs = record.lastReplanMs ?? undefined;
    controller.lanesHealthy = { ...record.lanesHealthy };
    return controller;
  }
}
