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

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines it printed (stdout and stderr). */
  readonly log: string[];
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
  /** Kills it at once, as a crash would. */
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
}

export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  const child = spawn(process.execPath, [TSX_CLI, options.script], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  void exited.then(() => {
    running = false;
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
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not become ready at ${options.healthUrl}:\n${log.slice(-20).join('\n')}`);
    }
    await sleep(200);
  }

  return {
    name: options.name,
    child,
    log,
    exited,
    kill: () => {
      child.kill('SIGKILL');
    },
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      const outcome = await Promise.race([exited.then(() => 'exited'), sleep(10_000).then(() => 'timeout')]);
      if (outcome === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
