/**
 * A per-target circuit breaker. After `failureThreshold` consecutive failures the circuit opens: the target gets no
 * traffic for `openMs` (doubling on each failed trial, up to `maxOpenMs`). Then one trial call is let through
 * (half-open); its success closes the circuit. The clock is passed in, so tests and the chaos suite control it.
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

  success(): void {
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
