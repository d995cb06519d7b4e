/**
 * The bandwidth the queue times transfers on: the segment estimate (the link's mean since its last changepoint,
 * which the planner uses) unless the last few samples say the link is slower now. A cellular link that dips for a
 * minute (the Ghent drive falls to about 5 Mbit/s) shows in its samples within seconds, long before BOCPD confirms
 * a change; until then the queue would keep sending batches the link cannot carry in time. Deadlines are judged on
 * the pessimistic side; a link that speeds up waits for the changepoint.
 */
export class RecentLinkEstimate {
  private readonly samples: number[] = [];
  /** The samples' mean, kept from one sample to the next: the queue asks for the estimate at every dispatch. */
  private recentMbps = Number.NaN;

  constructor(private readonly window = 5) {}

  add(mbps: number): void {
    if (!(mbps >= 0) || !Number.isFinite(mbps)) return;
    this.samples.push(mbps);
    if (this.samples.length > this.window) this.samples.shift();
    this.recentMbps = this.samples.reduce((sum, x) => sum + x, 0) / this.samples.length;
  }

  /** min(segmentMbps, mean of the last `window` samples); segmentMbps while there is no sample. */
  estimate(segmentMbps: number): number {
    if (this.samples.length === 0) return segmentMbps;
    return Math.min(segmentMbps, this.recentMbps);
  }
}
