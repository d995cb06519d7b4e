/**
 * The queue loop's one timer: wakes it when the policy said to wait. A later wake-up never postpones an earlier
 * one; an infinite wait clears it.
 */
export class WakeTimer {
  private timer: NodeJS.Timeout | undefined;
  private dueMs = Infinity;

  constructor(private readonly wake: () => void) {}

  sleep(ms: number, nowMs: number): void {
    const dueMs = nowMs + Math.max(0, ms);
    if (!Number.isFinite(dueMs)) {
      this.clear();
      return;
    }
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
