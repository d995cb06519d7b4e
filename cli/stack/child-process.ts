/**
 * Runs one part of the local stack (scheduler, edge agent, inference function) as its own Node process through
 * tsx, waits until its health endpoint answers, and stops it (SIGTERM, then SIGKILL) on request. Its output is
 * kept (bounded) for diagnostics, and lines can be forwarded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');
const MAX_LOG_LINES = 400;

/**
 * Children run in their own process groups, so the terminal's Ctrl-C does not reach them: whatever ends this
 * process takes them down too.
 */
const runningGroups = new Set<number>();
let exitHooked = false;
function killGroupsOnExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const pid of runningGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.once(name, () => process.exit(130));
  }
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines it printed (stdout and stderr). */
  readonly log: string[];
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
  /** Kills it (its whole process group) at once, as a crash would. */
  kill(): void;
}

export interface StartOptions {
  readonly name: string;
  readonly script: string;
  readonly env: Record<string, string>;
  /** Polled until it answers 2xx (or 503 for a scheduler with no lane yet). */
  readonly healthUrl: string;
  readonly readyTimeoutMs?: number;
  /** Each line the process prints on stdout (stderr is only kept in `log`). */
  readonly onLine?: (line: string) => void;
  /**
   * Run at this lower CPU priority (a `nice` increment, 1-19; POSIX only): started through `nice -n`, so the
   * process and every child it forks get it from the first instruction.
   */
  readonly nice?: number;
}

export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  // Its own process group: tsx runs the code in a child of its own, and a signal to the launcher alone (SIGKILL
  // cannot be relayed) would leave that child serving. Signals go to the whole group.
  const niceness = options.nice ?? 0;
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19) throw new Error(`nice: Expected an integer from 0 to 19, got ${niceness}`);
  const [command, args] = niceness > 0 ? ['nice', ['-n', String(niceness), process.execPath, TSX_CLI, options.script]] : [process.execPath, [TSX_CLI, options.script]];
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  const log: string[] = [];
  const collect = (forward: boolean) => (data: Buffer) => {
    for (const line of data.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      log.push(line);
      if (log.length > MAX_LOG_LINES) log.shift();
      if (forward) options.onLine?.(line);
    }
  };
  child.stdout!.on('data', collect(true));
  child.stderr!.on('data', collect(false));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  killGroupsOnExit();
  if (child.pid !== undefined) runningGroups.add(child.pid);
  void exited.then(() => {
    running = false;
    if (child.pid !== undefined) runningGroups.delete(child.pid);
  });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (!running) throw new Error(`${options.name} exited before it was ready:\n${log.slice(-20).join('\n')}`);
    try {
      const response = await fetch(options.healthUrl, { signal: AbortSignal.timeout(2_000) });
      if (response.ok || response.status === 503) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      signal('SIGKILL');
      throw new Error(`${options.name} did not become ready at ${options.healthUrl}:\n${log.slice(-20).join('\n')}`);
    }
    await sleep(200);
  }

  return {
    name: options.name,
    child,
    log,
    exited,
    kill: () => signal('SIGKILL'),
    async stop() {
      if (!running) return;
      signal('SIGTERM');
      const outcome = await Promise.race([exited.then(() => 'exited'), sleep(10_000).then(() => 'timeout')]);
      if (outcome === 'timeout') {
        signal('SIGKILL');
        await exited;
      }
    },
  };
}
