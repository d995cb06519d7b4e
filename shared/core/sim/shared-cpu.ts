/**
 * Computations that share one machine's cores (the local stack runs the edge agent and the inference function
 * on one CPU): each call's service time is what it takes alone (calibration times the lanes one call at a time);
 * while more calls compute than there are cores, they divide the cores equally (processor sharing), so each
 * runs slower by calls / cores and finishes later than alone. With no more calls than cores, each runs alone.
 */

export interface CpuJob {
  /** Work left, in ms of one core to itself. */
  remainingMs: number;
  /** Called at the instant the job's work is done. */
  readonly onDone: (nowMs: number) => void;
}

export class SharedCpu {
  private readonly jobs = new Set<CpuJob>();
  private lastMs = 0;
  /** Bumped on every change of the running set: a scheduled finish with an older version is stale. */
  version = 0;

  constructor(readonly cores: number) {}

  get running(): number {
    return this.jobs.size;
  }

  /** Each running job's progress per ms. */
  private rate(): number {
    return Math.min(1, this.cores / Math.max(1, this.jobs.size));
  }

  /** Moves every job's work on to `nowMs` at the current rate. */
  private advance(nowMs: number): void {
    const elapsed = nowMs - this.lastMs;
    if (elapsed > 0) {
      const done = elapsed * this.rate();
      for (const job of this.jobs) job.remainingMs -= done;
    }
    this.lastMs = Math.max(this.lastMs, nowMs);
  }

  /** Starts a job of `workMs`; returns when the next job finishes (to schedule a check then). */
  start(nowMs: number, workMs: number, onDone: (nowMs: number) => void): number {
    this.advance(nowMs);
    this.jobs.add({ remainingMs: Math.max(0, workMs), onDone });
    this.version += 1;
    return this.nextFinishMs();
  }

  /** When the job closest to done finishes at the current rate (Infinity: none running). */
  nextFinishMs(): number {
    let least = Infinity;
    for (const job of this.jobs) least = Math.min(least, job.remainingMs);
    return least === Infinity ? Infinity : this.lastMs + Math.max(0, least) / this.rate();
  }

  /**
   * Finishes the jobs done by `nowMs` (calling their onDone, which may start others); returns the next finish
   * to check, or Infinity.
   */
  finishDue(nowMs: number): number {
    this.advance(nowMs);
    // Within a microsecond of done counts as done: the rates' floating point must not leave a job a hair short.
    const due = [...this.jobs].filter((job) => job.remainingMs <= 1e-6);
    for (const job of due) this.jobs.delete(job);
    if (due.length > 0) this.version += 1;
    for (const job of due) job.onDone(nowMs);
    return this.nextFinishMs();
  }
}
