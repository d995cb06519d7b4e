/**
 * The queue loop's one timer: wakes it when the policy said to wait. A later wake-up never postpones an earlier
 * one. An infinite wait (the queue ran empty) leaves a pending timer to lapse rather than clearing it: a queue
 * that empties and fills again with every batch would otherwise clear and set a timer each time, and a wake-up
 * with nothing to do costs one look at an empty queue.
 */
export class WakeTimer {
  private timer: NodeJS.Timeout | undefined;
  private dueMs = Infinity;

  constructor(private readonly wake: () => void) {}

  sleep(ms: number, nowMs: number): void {
    const dueMs = nowMs + Math.max(0, ms);
    if (!Number.isFinite(dueMs)) return;
    if (this.timer && this.dueMs <= dueMs) return;
    this.clear();
    this.dueMs = dueMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueMs = Infinity;
      this.wake();
    }, Math.ceil(ms));
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dueMs = Infinity;
  }
}
