/**
 * What the dashboard draws, one sample per counting interval: rate, bandwidth, queue depth, edge share, and
 * latency percentiles per lane computed from the answers of that interval; plus the changepoints and re-plans.
 * Storage and its bounds are the ops StateHistoryBuffer's.
 */
import { quantileSorted } from '../../../shared/core/stats/quantile-sorted.js';
import type { LaneId, PlanReason } from '../../../shared/core/types.js';
import type { SchedulerState, StateHistory } from '../../../shared/protocol/http-schemas.js';
import { StateHistoryBuffer } from '../ops/state-history.js';

export class StateHistoryRecorder {
  private readonly buffer = new StateHistoryBuffer();
  private latencies: Record<LaneId, number[]> = { edge: [], serverless: [] };
  private dispatched: Record<LaneId, number> = { edge: 0, serverless: 0 };

  /** A request answered from `lane` after `totalMs`. */
  recordAnswer(lane: LaneId, totalMs: number): void {
    this.latencies[lane].push(totalMs);
  }

  recordDispatch(lane: LaneId, size: number): void {
    this.dispatched[lane] += size;
  }

  recordChangepoint(event: { atMs: number; kind: 'rate' | 'bandwidth'; probability?: number }): void {
    this.buffer.addChangepoint(event.atMs, event.kind, event.probability);
  }

  recordReplan(event: { atMs: number; reason: PlanReason }): void {
    this.buffer.addReplan(event.atMs, event.reason);
  }

  /** Closes the interval that ends at `nowMs`. */
  closeInterval(nowMs: number, point: { rateRps: number; bandwidthMbps: Record<LaneId, number>; queueDepth: number }): void {
    const percentiles = (lane: LaneId) => {
      const sorted = this.latencies[lane].sort((a, b) => a - b);
      return sorted.length > 0 ? { p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99) } : { p50: null, p99: null };
    };
    const total = this.dispatched.edge + this.dispatched.serverless;
    this.buffer.push({
      tMs: nowMs,
      rateRps: point.rateRps,
      bandwidthMbps: point.bandwidthMbps,
      queueDepth: point.queueDepth,
      edgeShare: total > 0 ? this.dispatched.edge / total : null,
      latencyMs: { edge: percentiles('edge'), serverless: percentiles('serverless') },
    });
    this.latencies = { edge: [], serverless: [] };
    this.dispatched = { edge: 0, serverless: 0 };
  }

  view(): StateHistory {
    return this.buffer.history();
  }

  events(): Pick<SchedulerState, 'changepoints' | 'replans'> {
    return this.buffer.events();
  }
}
