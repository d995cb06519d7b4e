/**
 * A lane as the scheduler loop sees it: a batch runner plus what the queue policy needs to know about it now
 * (healthy? free slots?). The edge pool (HttpBatchRunner) is one already; any other runner (the FC invoker) is
 * wrapped in a GuardedLane that adds a circuit breaker and a concurrency cap.
 */
import { blamesLane, type BatchDispatch, type BatchOutcome, type BatchRunner } from './batch-runner.js';
import { CircuitBreaker, DEFAULT_BREAKER, type CircuitBreakerOptions } from './circuit-breaker.js';

export interface Lane extends BatchRunner {
  healthy(nowMs: number): boolean;
  freeSlots(nowMs: number): number;
  /** For /v1/state and the dashboard. */
  status(nowMs: number): unknown;
}

export class GuardedLane implements Lane {
  private readonly breaker: CircuitBreaker;
  private inFlight = 0;

  constructor(
    private readonly runner: BatchRunner,
    private readonly maxConcurrency: number,
    private readonly now: () => number,
    breaker: CircuitBreakerOptions = DEFAULT_BREAKER,
  ) {
    this.breaker = new CircuitBreaker(breaker);
  }

  healthy(nowMs: number): boolean {
    return this.breaker.canCall(nowMs);
  }

  freeSlots(nowMs: number): number {
    return this.healthy(nowMs) ? Math.max(0, this.maxConcurrency - this.inFlight) : 0;
  }

  status(nowMs: number): { state: string; inFlight: number; maxConcurrency: number } {
    return { state: this.breaker.state(nowMs), inFlight: this.inFlight, maxConcurrency: this.maxConcurrency };
  }

  async run(dispatch: BatchDispatch): Promise<BatchOutcome> {
    this.inFlight += 1;
    const startMs = this.now();
    this.breaker.begin(startMs);
    try {
      const outcome = await this.runner.run(dispatch);
      this.breaker.success(this.now());
      return outcome;
    } catch (error) {
      // A batch refused as malformed, or abandoned before the lane had a fair chance, says nothing about its health.
      const budgetMs = dispatch.deadlineMs - startMs;
      if (!blamesLane(error, dispatch, budgetMs)) this.breaker.neutral();
      // Abandoned at its deadline while other calls kept succeeding: slow under our load, not down.
      else if ((error as { code?: string } | undefined)?.code === 'deadline_exceeded') this.breaker.timedOut(startMs - budgetMs, this.now());
      else this.breaker.failure(this.now());
      throw error;
    } finally {
      this.inFlight -= 1;
    }
  }
}
