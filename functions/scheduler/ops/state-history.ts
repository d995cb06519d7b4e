/**
 * The bounded recent history that `GET /v1/state` serves and the dashboard draws: the scheduler pushes one
 * sample per interval (e.g. each arrival-count bin) and events as they happen; the oldest fall off. Column-wise
 * output (StateHistory in http-schemas.ts) is what uPlot takes as it is.
 */
import type { LaneId, PlanReason } from '../../../shared/core/types.js';
import type { SchedulerState, StateHistory } from '../../../shared/protocol/http-schemas.js';

export interface LaneLatencySample {
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface HistorySample {
  readonly tMs: number;
  readonly rateRps: number | null;
  readonly bandwidthMbps: Readonly<Record<LaneId, number | null>>;
  readonly queueDepth: number | null;
  readonly edgeShare: number | null;
  readonly latencyMs: Readonly<Record<LaneId, LaneLatencySample>>;
}

type Changepoint = SchedulerState['changepoints'][number];

export class StateHistoryBuffer {
  private readonly samples: HistorySample[] = [];
  private readonly changepoints: Changepoint[] = [];
  private readonly replans: { atMs: number; reason: PlanReason }[] = [];

  /** `capacity` samples (600 one-second bins = 10 minutes), and as many events at most. */
  constructor(private readonly capacity = 600) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity: Expected an integer >= 1, got ${capacity}`);
  }

  push(sample: HistorySample): void {
    this.samples.push(sample);
    // Only once the window slides: events from before the first sample (the initial plan) stay until then.
    if (this.samples.length > this.capacity) {
      this.samples.shift();
      this.dropEventsBefore(this.samples[0]!.tMs);
    }
  }

  addChangepoint(atMs: number, kind: 'rate' | 'bandwidth', probability?: number): void {
    this.changepoints.push(probability === undefined ? { atMs, kind } : { atMs, kind, probability });
    if (this.changepoints.length > this.capacity) this.changepoints.shift();
  }

  addReplan(atMs: number, reason: PlanReason): void {
    this.replans.push({ atMs, reason });
    if (this.replans.length > this.capacity) this.replans.shift();
  }

  /** Events older than the oldest sample cannot be drawn; keep the lists as bounded as the series. */
  private dropEventsBefore(tMs: number): void {
    while (this.changepoints.length > 0 && this.changepoints[0]!.atMs < tMs) this.changepoints.shift();
    while (this.replans.length > 0 && this.replans[0]!.atMs < tMs) this.replans.shift();
  }

  history(): StateHistory {
    const s = this.samples;
    const col = <T>(pick: (sample: HistorySample) => T): T[] => s.map(pick);
    return {
      tMs: col((x) => x.tMs),
      rateRps: col((x) => x.rateRps),
      bandwidthMbps: { edge: col((x) => x.bandwidthMbps.edge), serverless: col((x) => x.bandwidthMbps.serverless) },
      queueDepth: col((x) => x.queueDepth),
      edgeShare: col((x) => x.edgeShare),
      latencyMs: {
        edge: { p50: col((x) => x.latencyMs.edge.p50), p99: col((x) => x.latencyMs.edge.p99) },
        serverless: { p50: col((x) => x.latencyMs.serverless.p50), p99: col((x) => x.latencyMs.serverless.p99) },
      },
    };
  }

  events(): Pick<SchedulerState, 'changepoints' | 'replans'> {
    return { changepoints: [...this.changepoints], replans: [...this.replans] };
  }
}
