/**
 * How crowded this machine's CPU is, sampled from Linux's /proc: the threads ready to run (`procs_running` in
 * /proc/stat), and of those, the lanes' own (the model processes' threads in state R). The stack calibrates
 * each lane alone, on a CPU other work may share; while it replays, the lanes compute at once beside that
 * other work. The simulation of the run divides the cores between them with these counts (simulated-run.ts).
 * Elsewhere than Linux there is no /proc: the sampler measures nothing and the simulation does without.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Mean runnable threads over a stretch: all of them, and the lanes' (model processes') among them. */
export interface RunnableCounts {
  readonly all: number;
  readonly lanes: number;
  readonly samples: number;
}

const SAMPLE_EVERY_MS = 100;

function procsRunning(): number | undefined {
  try {
    const match = /^procs_running (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A /proc stat line's fields after the command name (which may hold spaces and parentheses). */
function statFields(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Processes whose process group is one of `groups` (each managed process leads its own group). */
function processesInGroups(groups: ReadonlySet<number>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the name: state, ppid, pgrp, ...
      const pgrp = Number(statFields(readFileSync(`/proc/${entry}/stat`, 'utf8'))[2]);
      if (groups.has(pgrp)) pids.push(Number(entry));
    } catch {
      // It exited between the listing and the read.
    }
  }
  return pids;
}

function runnableThreads(pids: readonly number[]): number {
  let count = 0;
  for (const pid of pids) {
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        if (statFields(readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8'))[0] === 'R') count += 1;
      }
    } catch {
      // It exited; its threads run no more.
    }
  }
  return count;
}

/** Samples every 100 ms between start() and stop(); stop() gives the means (undefined without /proc). */
export class RunnableSampler {
  private timer: NodeJS.Timeout | undefined;
  private all = 0;
  private lanes = 0;
  private samples = 0;
  private lanePids: number[] = [];

  /** `laneGroups`: the process groups of the model processes (their leaders' pids). */
  constructor(private readonly laneGroups: readonly number[]) {}

  start(): void {
    if (procsRunning() === undefined) return;
    this.lanePids = processesInGroups(new Set(this.laneGroups));
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref(); // a run that fails before stop() must not be kept alive by it
  }

  private sample(): void {
    const all = procsRunning();
    if (all === undefined) return;
    this.all += all;
    this.lanes += Math.min(all, runnableThreads(this.lanePids));
    this.samples += 1;
  }

  stop(): RunnableCounts | undefined {
    clearInterval(this.timer);
    this.timer = undefined;
    return this.samples > 0 ? { all: this.all / this.samples, lanes: this.lanes / this.samples, samples: this.samples } : undefined;
  }
}
