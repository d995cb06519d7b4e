/**
 * Admits batches to the model: `concurrency` run at once (1: a GPU runs one batch at a time), up to
 * `maxQueued` more wait in arrival order, and beyond that the agent answers 429 at once rather than letting
 * work pile up that would miss its deadline anyway.
 */
import { EngineError } from '../shared/core/errors.js';

export class BatchGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Whether the next acquire would be refused: callers check it before reading a request body. */
  get full(): boolean {
    return this.active >= this.concurrency && this.waiting.length >= this.maxQueued;
  }

  /** Resolves to a release function once the batch may run; throws queue_full when the queue is full. */
  async acquire(): Promise<() => void> {
    if (this.active < this.concurrency) {
      this.active++;
    } else {
      if (this.waiting.length >= this.maxQueued) throw this.busy();
      // The releasing batch hands its slot straight to the next waiter, so `active` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  busy(): EngineError {
    return new EngineError('queue_full', `Edge agent busy: ${this.active} batch(es) running and ${this.waiting.length} waiting`, 1000, true);
  }
}
