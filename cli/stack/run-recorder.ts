/**
 * What a local-stack run leaves behind for its summary and HTML report, gathered only from what the scheduler
 * exposes over HTTP (`GET /v1/plan` sampled every second while the replay runs, `GET /v1/state` with its
 * history and events, `GET /metrics`) plus the load generator's own per-request records and the shaped link's
 * trace. Times are seconds since the replay began. The record is plain JSON (`edgebatch stack --record FILE`
 * writes it; `edgebatch stack --from-record FILE` rebuilds the summary and report from it).
 */
import { bandwidthAt, type BandwidthTrace } from '../../shared/core/traces/index.js';
import type { ReplayRecord } from '../loadgen/replay.js';
import { fetchSchedulerReport, type SchedulerReport } from './scheduler-report.js';
import type { StackSimulationInput } from './simulated-run.js';

export const STACK_RUN_FORMAT = 'edgebatch-stack-run/1';

export interface LanePlanSample {
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly share: number;
}

/** The plan in force at one instant, as `GET /v1/plan` gave it (fields a newer or older scheduler lacks are absent). */
export interface PlanSample {
  readonly tS: number;
  readonly createdAtS: number;
  readonly reason: string;
  readonly rateRps: number;
  readonly bandwidthMbps: { readonly edge: number; readonly serverless: number };
  readonly lanes: { readonly edge: LanePlanSample; readonly serverless: LanePlanSample };
  readonly memoryMb: number;
  readonly cpu: number;
  readonly costPerMillionUsd: number;
  /** FC instances the plan keeps warm (minimum instances), when the scheduler's plan has the field. */
  readonly warmInstances?: number;
  /** The SLO's target (fraction within sloMs), when the plan has the field. */
  readonly sloTarget?: number;
  readonly predictedAttainment?: number;
}

export interface StackRunRecord {
  readonly format: typeof STACK_RUN_FORMAT;
  /** Wall-clock start of the replay (ISO 8601). */
  readonly startedAt: string;
  readonly sloMs: number;
  readonly durationS: number;
  /** What was run: model, traces and their windows, rate scale (free text for the report's header). */
  readonly scenario: Readonly<Record<string, string>>;
  /** The load generator's records (sentAtMs from the replay's start). */
  readonly records: readonly ReplayRecord[];
  /** The edge link's true bandwidth (the shaped trace) at each second of the replay. */
  readonly link: { readonly tS: readonly number[]; readonly mbps: readonly number[] };
  /** `GET /v1/plan` every second; one sample per poll. */
  readonly plans: readonly PlanSample[];
  /** The scheduler's own per-second history (`GET /v1/state`), re-based to the replay's start. */
  readonly history: {
    readonly tS: readonly number[];
    readonly rateRps: ReadonlyArray<number | null>;
    readonly edgeMbps: ReadonlyArray<number | null>;
    readonly edgeShare: ReadonlyArray<number | null>;
    readonly queueDepth: ReadonlyArray<number | null>;
  };
  readonly changepoints: ReadonlyArray<{ readonly tS: number; readonly kind: 'rate' | 'bandwidth'; readonly probability?: number }>;
  readonly replans: ReadonlyArray<{ readonly tS: number; readonly reason: string }>;
  readonly scheduler: SchedulerReport;
  /** The calibrated service lines (ms), when the run calibrated. */
  readonly profiles?: { readonly edge: string; readonly serverless: string };
  /** Where the scheduler sent each lane's batches (error messages name them). */
  readonly laneUrls?: { readonly edge: string; readonly serverless: string };
  /** Mean bytes of the request images (what the edge's link has to carry per request). */
  readonly imageBytes?: number;
  /** What simulating the run takes (its arrivals, link and profiles), absent from records of older runs. */
  readonly simulation?: StackSimulationInput;
}

const asNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

function lanePlan(value: unknown): LanePlanSample {
  const lane = record(value);
  return { batchSize: asNumber(lane.batchSize) ?? 0, timeoutMs: asNumber(lane.timeoutMs) ?? 0, share: asNumber(lane.share) ?? 0 };
}

/** One `GET /v1/plan` answer as a sample; undefined before the first plan. */
export function planSample(body: unknown, tS: number, startEpochMs: number): PlanSample | undefined {
  const plan = record(body).plan;
  if (!plan || typeof plan !== 'object') return undefined;
  const p = plan as Record<string, unknown>;
  const lanes = record(p.lanes);
  const bandwidth = record(p.bandwidthMbps);
  const serverless = record(p.serverless);
  const predicted = record(p.predicted);
  const warmInstances = asNumber(p.warmInstances);
  const sloTarget = asNumber(p.sloTarget);
  const attainment = asNumber(predicted.attainment);
  return {
    tS,
    createdAtS: ((asNumber(p.createdAtMs) ?? startEpochMs) - startEpochMs) / 1000,
    reason: typeof p.reason === 'string' ? p.reason : '?',
    rateRps: asNumber(p.rateRps) ?? 0,
    bandwidthMbps: { edge: asNumber(bandwidth.edge) ?? 0, serverless: asNumber(bandwidth.serverless) ?? 0 },
    lanes: { edge: lanePlan(lanes.edge), serverless: lanePlan(lanes.serverless) },
    memoryMb: asNumber(serverless.memoryMb) ?? 0,
    cpu: asNumber(serverless.cpu) ?? 0,
    costPerMillionUsd: asNumber(predicted.costPerMillionUsd) ?? 0,
    ...(warmInstances !== undefined ? { warmInstances } : {}),
    ...(sloTarget !== undefined ? { sloTarget } : {}),
    ...(attainment !== undefined ? { predictedAttainment: attainment } : {}),
  };
}

/** Polls `GET /v1/plan` about once a second from `start()` until `stop()`. */
export class PlanSampler {
  private readonly samples: PlanSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startEpochMs = Date.now();
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly schedulerUrl: string,
    /** Called when the plan in force changes (a new createdAt), with the new plan. */
    private readonly onNewPlan?: (plan: PlanSample) => void,
  ) {}

  start(startEpochMs: number): void {
    this.startEpochMs = startEpochMs;
    const poll = () => {
      this.polling = this.poll();
    };
    poll();
    this.timer = setInterval(poll, 1000);
  }

  private async poll(): Promise<void> {
    try {
      const response = await fetch(new URL('/v1/plan', this.schedulerUrl), { signal: AbortSignal.timeout(900) });
      const sample = planSample(await response.json(), (Date.now() - this.startEpochMs) / 1000, this.startEpochMs);
      if (!sample) return;
      const last = this.samples.at(-1);
      this.samples.push(sample);
      if (!last || last.createdAtS !== sample.createdAtS) this.onNewPlan?.(sample);
    } catch {
      // A poll that misses (the scheduler busy past 0.9 s) leaves a gap; the next one fills in.
    }
  }

  async stop(): Promise<PlanSample[]> {
    clearInterval(this.timer);
    await this.polling;
    return this.samples;
  }
}

/** The link's true bandwidth at each second of [0, durationS]. */
export function linkSeries(trace: BandwidthTrace, durationS: number): StackRunRecord['link'] {
  const tS = Array.from({ length: Math.ceil(durationS) + 1 }, (_, i) => i);
  return { tS, mbps: tS.map((t) => bandwidthAt(trace, t * 1000)) };
}

/** The scheduler's history, events and counters at the end of the run, re-based to the replay's start. */
export async function fetchSchedulerRecord(
  schedulerUrl: string,
  startEpochMs: number,
): Promise<Pick<StackRunRecord, 'history' | 'changepoints' | 'replans' | 'scheduler'>> {
  const state = record(await (await fetch(new URL('/v1/state', schedulerUrl))).json());
  const history = record(state.history);
  const series = (value: unknown): Array<number | null> => (Array.isArray(value) ? value.map((x) => asNumber(x) ?? null) : []);
  const toS = (ms: number) => (ms - startEpochMs) / 1000;
  const tMs = series(history.tMs).map((x) => x ?? 0);
  const events = (value: unknown) => (Array.isArray(value) ? value.map(record) : []);
  return {
    history: {
      tS: tMs.map(toS),
      rateRps: series(history.rateRps),
      edgeMbps: series(record(history.bandwidthMbps).edge),
      edgeShare: series(history.edgeShare),
      queueDepth: series(history.queueDepth),
    },
    changepoints: events(state.changepoints).map((event) => ({
      tS: toS(asNumber(event.atMs) ?? startEpochMs),
      kind: event.kind === 'bandwidth' ? ('bandwidth' as const) : ('rate' as const),
      ...(asNumber(event.probability) !== undefined ? { probability: asNumber(event.probability)! } : {}),
    })),
    replans: events(state.replans).map((event) => ({ tS: toS(asNumber(event.atMs) ?? startEpochMs), reason: String(event.reason) })),
    scheduler: await fetchSchedulerReport(schedulerUrl),
  };
}
