/**
 * Samples waiting to be reported. Bounded: when the scheduler is unreachable for long, the oldest samples go
 * first (the newest say most about the link now). Each sample gets a sequence number so that a report can be
 * acknowledged precisely even if samples were added or dropped while it was in flight.
 */
import type { BandwidthSample, BatchLatencySample } from '../shared/protocol/telemetry.js';

interface Numbered<T> {
  readonly seq: number;
  readonly sample: T;
}

class BoundedLog<T> {
  private entries: Numbered<T>[] = [];
  private nextSeq = 1;
  dropped = 0;

  constructor(private readonly capacity: number) {}

  push(sample: T): void {
    this.entries.push({ seq: this.nextSeq++, sample });
    if (this.entries.length > this.capacity) {
      this.entries.splice(0, this.entries.length - this.capacity);
      this.dropped++;
    }
  }

  /** Up to `max` oldest samples and the sequence number of the last one (0 when empty). */
  peek(max: number): { samples: T[]; upTo: number } {
    const slice = this.entries.slice(0, max);
    return { samples: slice.map((entry) => entry.sample), upTo: slice.at(-1)?.seq ?? 0 };
  }

  /** Forgets samples up to and including `seq` (they were delivered). */
  acknowledge(seq: number): void {
    this.entries = this.entries.filter((entry) => entry.seq > seq);
  }

  get size(): number {
    return this.entries.length;
  }
}

export interface TelemetrySnapshot {
  readonly bandwidth: BandwidthSample[];
  readonly batches: BatchLatencySample[];
  readonly bandwidthUpTo: number;
  readonly batchesUpTo: number;
}

export class TelemetryBuffer {
  readonly bandwidth: BoundedLog<BandwidthSample>;
  readonly batches: BoundedLog<BatchLatencySample>;
  /** Agent wall-clock time of the last real transfer sample (to know when the link has been idle). */
  lastTransferAtMs = -Infinity;

  constructor(capacity = 2_000) {
    this.bandwidth = new BoundedLog(capacity);
    this.batches = new BoundedLog(capacity);
  }

  addBandwidth(sample: BandwidthSample): void {
    this.bandwidth.push(sample);
    if (sample.kind === 'transfer') this.lastTransferAtMs = Math.max(this.lastTransferAtMs, sample.atMs);
  }

  addBatch(sample: BatchLatencySample): void {
    this.batches.push(sample);
  }

  /** What the next report carries (at most `max` of each kind, the telemetry schema allows 10,000). */
  snapshot(max = 5_000): TelemetrySnapshot {
    const bandwidth = this.bandwidth.peek(max);
    const batches = this.batches.peek(max);
    return { bandwidth: bandwidth.samples, batches: batches.samples, bandwidthUpTo: bandwidth.upTo, batchesUpTo: batches.upTo };
  }

  acknowledge(snapshot: TelemetrySnapshot): void {
    this.bandwidth.acknowledge(snapshot.bandwidthUpTo);
    this.batches.acknowledge(snapshot.batchesUpTo);
  }
}
