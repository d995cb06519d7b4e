/**
 * What the scheduler has delivered against its SLO, and what its hedges did, for `GET /v1/state` and the metrics:
 *
 * - Measured attainment: requests answered with a result within the SLO latency, over every request that ended
 *   (errors and 429 refusals count as misses, as the planner's prediction counts them), since start and over the
 *   last `recentIntervals` counting intervals.
 * - Hedges: copies sent to each lane, answers they won there, and the extra FC spend of serverless copies (the
 *   serverless configuration's price for the measured round trip, an upper bound of the billed run time).
 */
import type { LaneId } from '../../../shared/core/types.js';

export interface AttainmentCount {
  /** Requests that ended (answered with a result, or with an error). */
  readonly requests: number;
  /** Of those, answered with a result within the SLO latency. */
  readonly withinSlo: number;
  /** withinSlo / requests; null before any request ended. */
  readonly attainment: number | null;
}

export interface HedgeCounts {
  readonly sent: Readonly<Record<LaneId, number>>;
  readonly won: Readonly<Record<LaneId, number>>;
  readonly costUsd: number;
}

interface Interval {
  requests: number;
  withinSlo: number;
}

const attainmentOf = (requests: number, withinSlo: number): AttainmentCount => ({ requests, withinSlo, attainment: requests > 0 ? withinSlo / requests : null });

export class ServiceTally {
  private readonly total: Interval = { requests: 0, withinSlo: 0 };
  private current: Interval = { requests: 0, withinSlo: 0 };
  private readonly closed: Interval[] = [];
  private readonly sent: Record<LaneId, number> = { edge: 0, serverless: 0 };
  private readonly won: Record<LaneId, number> = { edge: 0, serverless: 0 };
  private hedgeUsd = 0;

  /** `recentIntervals` counting intervals make the recent window (60 one-second intervals: the last minute). */
  constructor(readonly recentIntervals = 60) {
    if (!Number.isInteger(recentIntervals) || recentIntervals < 1) throw new RangeError(`recentIntervals: Expected an integer >= 1, got ${recentIntervals}`);
  }

  answered(totalMs: number, sloMs: number): void {
    const within = totalMs <= sloMs ? 1 : 0;
    this.total.requests += 1;
    this.total.withinSlo += within;
    this.current.requests += 1;
    this.current.withinSlo += within;
  }

  failed(): void {
    this.total.requests += 1;
    this.current.requests += 1;
  }

  closeInterval(): void {
    this.closed.push(this.current);
    if (this.closed.length > this.recentIntervals) this.closed.shift();
    this.current = { requests: 0, withinSlo: 0 };
  }

  hedgeSent(lane: LaneId, copies: number): void {
    this.sent[lane] += copies;
  }

  hedgeWon(lane: LaneId): void {
    this.won[lane] += 1;
  }

  hedgeCost(usd: number): void {
    if (usd > 0) this.hedgeUsd += usd;
  }

  sinceStart(): AttainmentCount {
    return attainmentOf(this.total.requests, this.total.withinSlo);
  }

  /** The closed intervals of the recent window and the one still open. */
  recent(): AttainmentCount {
    let requests = this.current.requests;
    let withinSlo = this.current.withinSlo;
    for (const interval of this.closed) {
      requests += interval.requests;
      withinSlo += interval.withinSlo;
    }
    return attainmentOf(requests, withinSlo);
  }

  hedges(): HedgeCounts {
    return { sent: { ...this.sent }, won: { ...this.won }, costUsd: this.hedgeUsd };
  }
}
