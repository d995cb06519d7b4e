/**
 * Pools the timings of batch bodies into bandwidth samples. A body's bytes after its first chunk over the time
 * from its first to its last chunk is the link's rate while it carried that body, but one small body is a noisy
 * measure (a few chunks, a timer's resolution). So bodies are pooled until they carried enough bytes, and the pool
 * becomes one sample: its bytes over its time. Small batches then still measure the link instead of being
 * dropped, which matters most under load, when the link is never idle long enough for a probe.
 *
 * A body cut off part way (the scheduler gave up on it at its deadline) is pooled too: its bytes did cross the
 * link in that time, and in a dip those cut-off bodies are most of what the link still carries.
 *
 * Bodies that cross the link at the same time share it, so the pool's time is the union of the bodies' reading
 * intervals, not their sum (two bodies read side by side for 10 ms are 10 ms of link, not 20).
 */
import type { BandwidthSample } from '../shared/protocol/telemetry.js';

/** One body's timing: the bytes after its first chunk, read from `startMs` (its first chunk) to `endMs` (its last), monotonic ms. */
export interface BodyTiming {
  readonly bytes: number;
  readonly startMs: number;
  readonly endMs: number;
}

export class TransferPool {
  private bytes = 0;
  private ms = 0;
  private openedAtMs = -Infinity;
  /** The end of the reading time already counted (monotonic ms). */
  private coveredUntilMs = -Infinity;

  /**
   * @param minBytes bytes a pooled sample must hold;
   * @param maxAgeMs a pool this old (wall ms) with anything in it is a sample anyway, so a link that carries
   *   only a trickle (a dip) is still reported within about this long.
   */
  constructor(
    private readonly minBytes: number,
    private readonly maxAgeMs: number,
  ) {}

  /** Adds a body's timing at wall time `atMs`; the pooled sample when the pool is full or old enough. */
  add(timing: BodyTiming, atMs: number): BandwidthSample | undefined {
    if (!(timing.bytes > 0 && timing.endMs > timing.startMs)) return undefined;
    if (this.bytes === 0) this.openedAtMs = atMs;
    this.bytes += timing.bytes;
    this.ms += Math.max(0, timing.endMs - Math.max(timing.startMs, this.coveredUntilMs));
    this.coveredUntilMs = Math.max(this.coveredUntilMs, timing.endMs);
    if (this.ms <= 0) return undefined;
    if (this.bytes < this.minBytes && atMs - this.openedAtMs < this.maxAgeMs) return undefined;
    const sample: BandwidthSample = { atMs, bytes: this.bytes, ms: this.ms, kind: 'transfer' };
    this.bytes = 0;
    this.ms = 0;
    return sample;
  }
}
