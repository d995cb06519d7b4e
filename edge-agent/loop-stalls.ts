/**
 * When this process's event loop last stalled. The model runs on its own thread (shared/model/thread-model.ts), but
 * other work can still hold the loop (a long garbage collection, a burst of requests, a starved CPU), and bytes
 * that arrive meanwhile wait in the socket and are read back to back once it turns again: a body or probe timed
 * across a stall measures how fast the agent drained its socket, not the link (hundreds of times the link's rate
 * for a body that piled up). A heartbeat notices each stall; bandwidth samples read during one, or starting just
 * after one, are left out.
 */

/** How often the heartbeat beats (ms). */
const BEAT_MS = 5;
/** A beat this late means the loop was held (ms): at the slowest link sampled, enough bytes to skew a sample. */
const STALL_MS = 15;
/** How long after a stall a read may still be draining the bytes that piled up during it (ms). */
const SETTLE_MS = 20;

export class LoopStalls {
  private lastBeatMs: number;
  private lastStallEndMs = -Infinity;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly now: () => number) {
    this.lastBeatMs = now();
    this.timer = setInterval(() => this.beat(), BEAT_MS);
    this.timer.unref(); // it only watches: it must not keep the process alive
  }

  private beat(): void {
    const at = this.now();
    if (at - this.lastBeatMs > STALL_MS) this.lastStallEndMs = at;
    this.lastBeatMs = at;
  }

  /** Whether the loop stalled from shortly before `fromMs` until now (monotonic ms): a sample timed since then is unsound. */
  stalledSince(fromMs: number): boolean {
    this.beat(); // a stall still running (the caller's own code held the loop) counts too
    return this.lastStallEndMs >= fromMs - SETTLE_MS;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
