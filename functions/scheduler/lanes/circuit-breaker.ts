/**
 * A per-target circuit breaker. After `failureThreshold` consecutive failures the circuit opens: the target gets no
 * traffic for `openMs` (doubling on each failed trial, up to `maxOpenMs`). Then one trial call is let through
 * (half-open); its success closes the circuit. The clock is passed in, so tests and the chaos suite control it.
 *
 * A call that outlived its time budget is judged apart (`timedOut`): under overload our own queueing hands a
 * target more than it serves in time, and its calls time out while it keeps answering others. That target is
 * slow, not broken, and opening its circuit would only throw its capacity away (every queued request then fails
 * with no_lane). A stalled target answers nothing, and its timeouts still count.
 */
export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly maxOpenMs: number;
}

export const DEFAULT_BREAKER: CircuitBreakerOptions = { failureThreshold: 3, openMs: 1_000, maxOpenMs: 30_000 };

export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntilMs = 0;
  private currentOpenMs: number;
  private trialInFlight = false;
  private lastSuccessMs = -Infinity;

  constructor(private readonly options: CircuitBreakerOptions = DEFAULT_BREAKER) {
    this.currentOpenMs = options.openMs;
  }

  state(nowMs: number): CircuitState {
    if (this.consecutiveFailures < this.options.failureThreshold) return 'closed';
    return nowMs < this.openUntilMs ? 'open' : 'half-open';
  }

  /** Whether a call may go out now; in half-open state only one trial at a time. */
  canCall(nowMs: number): boolean {
    const state = this.state(nowMs);
    return state === 'closed' || (state === 'half-open' && !this.trialInFlight);
  }

  /** Marks a call as started (a half-open trial blocks further calls until it ends). */
  begin(nowMs: number): void {
    if (this.state(nowMs) === 'half-open') this.trialInFlight = true;
  }

  /**
   * Ends an open period early so that one trial goes out now: for a sign of life the target could not give while
   * failing (a restarted agent's first heartbeat after a silence). The backoff itself is kept.
   */
  retryNow(nowMs: number): void {
    if (this.state(nowMs) === 'open') this.openUntilMs = nowMs;
  }

  /** `nowMs`: when the answer came (for `timedOut`); omitted by callers that never time calls out. */
  success(nowMs?: number): void {
    if (nowMs !== undefined && nowMs > this.lastSuccessMs) this.lastSuccessMs = nowMs;
    this.consecutiveFailures = 0;
    this.currentOpenMs = this.options.openMs;
    this.trialInFlight = false;
  }

  failure(nowMs: number): void {
    const wasTrial = this.trialInFlight;
    this.trialInFlight = false;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.options.failureThreshold) {
      if (wasTrial) this.currentOpenMs = Math.min(this.currentOpenMs * 2, this.options.maxOpenMs);
      this.openUntilMs = nowMs + this.currentOpenMs;
    }
  }

  /**
   * Ends a call abandoned at its time budget: a failure only if the target has answered nothing successfully
   * since `aliveSinceMs` (the call's start minus its budget: a target that answered within the last budget's
   * length, or while this call waited, is alive and merely busy). Otherwise neutral.
   */
  timedOut(aliveSinceMs: number, nowMs: number): void {
    if (this.lastSuccessMs >= aliveSinceMs) this.neutral();
    else this.failure(nowMs);
  }

  /** Ends a call that says nothing about the target's health (frees a half-open trial without judging it). */
  neutral(): void {
    this.trialInFlight = false;
  }

  /** Forces the circuit open, e.g. when an agent's heartbeats stop. */
  trip(nowMs: number): void {
    this.consecutiveFailures = Math.max(this.consecutiveFailures, this.options.failureThreshold);
    this.openUntilMs = nowMs + this.currentOpenMs;
  }
}
