/**
 * Running totals of the current segment of a series (observations since the last detected changepoint), with a
 * short history so that when the detector places a change a few steps back, the segment can be re-cut there.
 * Bounded memory: `historyLength` observations.
 */
export interface SegmentRecord {
  readonly startIndex: number;
  /** Segment totals (they may reach further back than the history). */
  readonly sum: number;
  readonly exposure: number;
  readonly count: number;
  /** Recent observations, oldest first: [index, value, exposure, endMs]. */
  readonly history: ReadonlyArray<readonly [number, number, number, number]>;
}

export class SegmentTracker {
  private history: Array<[number, number, number, number]> = [];
  private start = 0;
  private sum = 0;
  private exposure = 0;
  private count = 0;

  constructor(private readonly historyLength = 256) {}

  /** Adds observation `index` (value over `exposure` units, ending at endMs). */
  add(index: number, value: number, exposure: number, endMs: number): void {
    this.history.push([index, value, exposure, endMs]);
    if (this.history.length > this.historyLength) this.history.shift();
    if (index >= this.start) {
      this.sum += value;
      this.exposure += exposure;
      this.count += 1;
    }
  }

  /** Starts the segment at observation `index` (it may lie in the recent past). */
  cut(index: number): void {
    this.start = index;
    this.sum = 0;
    this.exposure = 0;
    this.count = 0;
    for (const [i, value, exposure] of this.history) {
      if (i >= index) {
        this.sum += value;
        this.exposure += exposure;
        this.count += 1;
      }
    }
  }

  /** Mean value per unit exposure over the segment (NaN when empty). */
  get mean(): number {
    return this.exposure > 0 ? this.sum / this.exposure : Number.NaN;
  }

  /** The recent observations' values and exposures, oldest first, across segments (the history). */
  recent(): { values: number[]; exposures: number[] } {
    return { values: this.history.map((entry) => entry[1]), exposures: this.history.map((entry) => entry[2]) };
  }

  /** The recent observations' values from before the segment began, oldest first. */
  beforeSegment(): number[] {
    return this.history.filter((entry) => entry[0] < this.start).map((entry) => entry[1]);
  }

  /** Observations in the segment. */
  get length(): number {
    return this.count;
  }

  get startIndex(): number {
    return this.start;
  }

  /** When observation `index` began (its end minus its exposure in ms, if still in the history). */
  startMsOf(index: number, intervalMs: number): number | undefined {
    const entry = this.history.find(([i]) => i === index);
    return entry ? entry[3] - entry[2] * intervalMs : undefined;
  }

  toRecord(): SegmentRecord {
    return { startIndex: this.start, sum: this.sum, exposure: this.exposure, count: this.count, history: this.history.map((entry) => [...entry] as [number, number, number, number]) };
  }

  static fromRecord(record: SegmentRecord, historyLength = 256): SegmentTracker {
    const tracker = new SegmentTracker(historyLength);
    tracker.history = record.history.map((entry) => [...entry] as [number, number, number, number]);
    tracker.start = record.startIndex;
    tracker.sum = record.sum;
    tracker.exposure = record.exposure;
    tracker.count = record.count;
    return tracker;
  }
}
