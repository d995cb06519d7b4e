/**
 * Collects what a run produced: per-request latencies, per-lane counts, cost, and per-second series for the
 * report. Kept apart from the engine so the event loop reads as the production loop does.
 */
import type { LaneId, Plan, PlanReason } from '../types.js';

export interface SecondSeries {
  /** Arrivals in each second. */
  readonly arrivals: number[];
  /** Mean Mbit/s of each lane's link in each second. */
  readonly bandwidthMbps: Record<LaneId, number[]>;
  /** Requests dispatched per lane in each second (the lane split). */
  readonly dispatched: Record<LaneId, number[]>;
  /** The plan's batch size per lane at the end of each second (0 when the lane has no share). */
  readonly planBatch: Record<LaneId, number[]>;
  /** Mean size of the batches dispatched in each second, per lane (0 when none). */
  readonly meanBatch: Record<LaneId, number[]>;
}

export interface ReplanEvent {
  readonly atMs: number;
  readonly reason: PlanReason;
}

export class Recorder {
  readonly latencyMs: Float64Array;
  answered = 0;
  met = 0;
  rejected = 0;
  batches: Record<LaneId, number> = { edge: 0, serverless: 0 };
  requestsOn: Record<LaneId, number> = { edge: 0, serverless: 0 };
  serverlessUsd = 0;
  /** Hedged dispatch: requests sent to a second lane, those whose answer came from it first, and its calls' cost. */
  readonly hedges = { sent: 0, won: 0, usd: 0 };
  readonly replans: ReplanEvent[] = [];
  readonly series: SecondSeries = {
    arrivals: [],
    bandwidthMbps: { edge: [], serverless: [] },
    dispatched: { edge: [], serverless: [] },
    planBatch: { edge: [], serverless: [] },
    meanBatch: { edge: [], serverless: [] },
  };
  private readonly batchesInSecond: Record<LaneId, number[]> = { edge: [], serverless: [] };

  constructor(requests: number) {
    this.latencyMs = new Float64Array(requests).fill(Number.NaN);
  }

  private grow(second: number): void {
    const s = this.series;
    while (s.arrivals.length <= second) {
      s.arrivals.push(0);
      for (const lane of ['edge', 'serverless'] as const) {
        s.bandwidthMbps[lane].push(0);
        s.dispatched[lane].push(0);
        s.planBatch[lane].push(0);
        s.meanBatch[lane].push(0);
        this.batchesInSecond[lane].push(0);
      }
    }
  }

  arrival(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    this.grow(second);
    this.series.arrivals[second]! += 1;
  }

  /** A batch sent; a hedge counts as a call on its lane but not in the split. */
  dispatch(lane: LaneId, size: number, nowMs: number, hedge = false): void {
    const second = Math.floor(nowMs / 1000);
    this.grow(second);
    this.batches[lane] += 1;
    if (hedge) return;
    this.requestsOn[lane] += size;
    this.series.dispatched[lane][second]! += size;
    this.batchesInSecond[lane][second]! += 1;
    this.series.meanBatch[lane][second] = this.series.dispatched[lane][second]! / this.batchesInSecond[lane][second]!;
  }

  /** Requests answered by each lane, and those in time (a hedge's answer counts for the lane that gave it). */
  readonly answeredOn: Record<LaneId, number> = { edge: 0, serverless: 0 };
  readonly metOn: Record<LaneId, number> = { edge: 0, serverless: 0 };

  answer(index: number, latencyMs: number, sloMs: number, lane: LaneId): void {
    this.latencyMs[index] = latencyMs;
    this.answered += 1;
    this.answeredOn[lane] += 1;
    if (latencyMs <= sloMs) {
      this.met += 1;
      this.metOn[lane] += 1;
    }
  }

  reject(count: number): void {
    this.rejected += count;
  }

  second(second: number, bandwidth: Readonly<Record<LaneId, number>>, plan: Plan): void {
    this.grow(second);
    for (const lane of ['edge', 'serverless'] as const) {
      this.series.bandwidthMbps[lane][second] = bandwidth[lane];
      this.series.planBatch[lane][second] = plan.lanes[lane].share > 0 ? plan.lanes[lane].batchSize : 0;
    }
  }
}
