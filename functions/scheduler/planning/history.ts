/**
 * What the dashboard draws: one point per counting interval (rate, bandwidth, queue depth, edge share, latency
 * percentiles per lane), plus the changepoints and re-plans, all bounded so a scheduler that runs for months
 * holds minutes of history, not months.
 */
import { quantileSorted } from '../../../shared/core/stats/quantile-sorted.js';
import type { LaneId, PlanReason } from '../../../shared/core/types.js';
import type { StateHistory } from '../../../shared/protocol/http-schemas.js';

const MAX_POINTS = 600;
const MAX_EVENTS = 200;

export interface ChangepointEvent {
  readonly atMs: number;
  readonly kind: 'rate' | 'bandwidth';
  readonly probability?: number;
}

export interface ReplanEvent {
  readonly atMs: number;
  readonly reason: PlanReason;
}

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

export class StateHistoryRecorder {
  private readonly history: StateHistory = {
    tMs: [],
    rateRps: [],
    bandwidthMbps: { edge: [], serverless: [] },
    queueDepth: [],
    edgeShare: [],
    latencyMs: { edge: { p50: [], p99: [] }, serverless: { p50: [], p99: [] } },
  };
  readonly changepoints: ChangepointEvent[] = [];
  readonly replans: ReplanEvent[] = [];
  private latencies: Record<LaneId, number[]> = { edge: [], serverless: [] };
  private dispatched: Record<LaneId, number> = { edge: 0, serverless: 0 };

  /** A request answered from `lane` after `totalMs`. */
  recordAnswer(lane: LaneId, totalMs: number): void {
    this.latencies[lane].push(totalMs);
  }

  recordDispatch(lane: LaneId, size: number): void {
    this.dispatched[lane] += size;
  }

  recordChangepoint(event: ChangepointEvent): void {
    pushBounded(this.changepoints, event, MAX_EVENTS);
  }

  recordReplan(event: ReplanEvent): void {
    pushBounded(this.replans, event, MAX_EVENTS);
  }

  /** Closes the interval that ends at `nowMs`. */
  closeInterval(nowMs: number, point: { rateRps: number; bandwidthMbps: Record<LaneId, number>; queueDepth: number }): void {
    const h = this.history;
    const columns: Array<[number[] | (number | null)[], number | null]> = [
      [h.tMs, nowMs],
      [h.rateRps, point.rateRps],
      [h.bandwidthMbps.edge, point.bandwidthMbps.edge],
      [h.bandwidthMbps.serverless, point.bandwidthMbps.serverless],
      [h.queueDepth, point.queueDepth],
    ];
    const total = this.dispatched.edge + this.dispatched.serverless;
    columns.push([h.edgeShare, total > 0 ? this.dispatched.edge / total : null]);
    for (const lane of ['edge', 'serverless'] as const) {
      const sorted = this.latencies[lane].sort((a, b) => a - b);
      columns.push([h.latencyMs[lane].p50, sorted.length > 0 ? quantileSorted(sorted, 0.5) : null]);
      columns.push([h.latencyMs[lane].p99, sorted.length > 0 ? quantileSorted(sorted, 0.99) : null]);
    }
    for (const [column, value] of columns) pushBounded(column as (number | null)[], value, MAX_POINTS);
    this.latencies = { edge: [], serverless: [] };
    this.dispatched = { edge: 0, serverless: 0 };
  }

  view(): StateHistory {
    return this.history;
  }
}
