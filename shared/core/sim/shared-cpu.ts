/**
 * Computations that share one machine's cores (the local stack runs the edge agent and the inference function
 * on one CPU): each call's service time is what it took when calibrated (one call at a time); while more
 * threads are ready to run than there are cores, they divide the cores equally (processor sharing). Other work
 * on the machine (`backgroundThreads` ready to run, on average) takes its share too, and took it while the
 * lanes were calibrated (`calibrationRunnable` threads ready then, the calibrated call's among them): a call
 * runs at its share now over its share then. With nothing else running, calls run alone until they outnumber
 * the cores.
 */

/** The machine the calls share, as measured: its cores and how crowded it was. */
export interface CpuContention {
  readonly cores: number;
  /** Threads other than the lanes' ready to run while the run replayed (mean). Default 0. */
  readonly backgroundThreads?: number;
  /** Threads ready to run while the lanes were calibrated (mean). Default 1: the calibrated call alone. */
  readonly calibrationRunnable?: number;
}

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

  private readonly cores: number;
  private readonly background: number;
  /** The share of a core a call had when calibrated. */
  private readonly calibratedShare: number;

  constructor(contention: CpuContention) {
    this.cores = contention.cores;
    this.background = contention.backgroundThreads ?? 0;
    this.calibratedShare = Math.min(1, this.cores / Math.max(1, contention.calibrationRunnable ?? 1));
  }

  get running(): number {
    return this.jobs.size;
  }

  /** Each running job's progress per ms (1: as fast as when calibrated). */
  private rate(): number {
    return Math.min(1, this.cores / (this.background + Math.max(1, this.jobs.size))) / this.calibratedShare;
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
