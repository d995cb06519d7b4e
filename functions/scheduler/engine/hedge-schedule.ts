/**
 * The hedges armed for batches in flight, each due at the instant its batch should also go to the other lane.
 * One timer serves them all, set for the earliest; a hedge whose batch answered first is disarmed, and when none
 * is left the timer is cleared, so an on-time batch leaves nothing behind.
 */

export interface ArmedHedge {
  readonly atMs: number;
  readonly fire: () => void;
}

export class HedgeSchedule {
  private readonly armed = new Set<ArmedHedge>();
  private timer: NodeJS.Timeout | undefined;
  private timerAtMs = Infinity;

  constructor(private readonly now: () => number) {}

  /** Hedges waiting for their instant. */
  get size(): number {
    return this.armed.size;
  }

  /** Whether a timer is set (for tests: none may outlive the hedges it serves). */
  get timerSet(): boolean {
    return this.timer !== undefined;
  }

  arm(atMs: number, fire: () => void): ArmedHedge {
    const hedge: ArmedHedge = { atMs, fire };
    this.armed.add(hedge);
    if (atMs < this.timerAtMs) this.schedule(atMs);
    return hedge;
  }

  /** The batch answered (or failed) before its hedge was due. */
  disarm(hedge: ArmedHedge | undefined): void {
    if (!hedge || !this.armed.delete(hedge)) return;
    if (this.armed.size === 0) this.clearTimer();
  }

  stop(): void {
    this.armed.clear();
    this.clearTimer();
  }

  private schedule(atMs: number): void {
    this.clearTimer();
    this.timerAtMs = atMs;
    this.timer = setTimeout(() => this.fireDue(), Math.max(0, Math.ceil(atMs - this.now())));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAtMs = Infinity;
  }

  private fireDue(): void {
    this.timer = undefined;
    this.timerAtMs = Infinity;
    const nowMs = this.now();
    const due: ArmedHedge[] = [];
    let nextAtMs = Infinity;
    for (const hedge of this.armed) {
      if (hedge.atMs <= nowMs) due.push(hedge);
      else nextAtMs = Math.min(nextAtMs, hedge.atMs);
    }
    for (const hedge of due) this.armed.delete(hedge);
    if (nextAtMs < Infinity) this.schedule(nextAtMs);
    for (const hedge of due) hedge.fire();
  }
}
