/**
 * A model that runs on its own thread. onnxruntime-node runs a session synchronously on the thread that calls
 * it, so a model in the server's own process holds its event loop for the whole batch: requests, probes and
 * reports wait, and the bytes of a body that arrive meanwhile are read back to back afterwards, which makes
 * every transfer timed across a batch useless as a bandwidth sample. On a Jetson the GPU runs the model while
 * the CPU serves; a worker thread gives the agent the same shape on any machine.
 *
 * The thread is started on first use and again after it dies; a batch in flight when it dies fails as an
 * internal error, and the next batch gets a fresh thread.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../core/errors.js';
import type { BatchResponse, DecodedBatch } from '../protocol/batch.js';
import { loadManifest, type ExecutionProvider } from './manifest.js';
import type { BatchModel, RunOptions } from './runner.js';
import { silentLogger, type ModelLogger } from './session.js';
import { packBatch, type ThreadReply, type ThreadRequest, type ThreadSettings } from './thread-messages.js';

interface Pending {
  readonly thread: Worker;
  readonly resolve: (reply: ThreadReply) => void;
  readonly reject: (error: Error) => void;
}

/**
 * From source (under tsx or vitest) the thread must load TypeScript itself: Node 20 does not pass tsx's
 * loader on to worker threads, so the thread registers it before importing its body.
 */
function startThread(settings: ThreadSettings): Worker {
  const ownUrl = import.meta.url;
  if (!ownUrl.endsWith('.ts')) return new Worker(new URL('./model-thread.js', ownUrl), { workerData: settings });
  const body = JSON.stringify(new URL('./model-thread.ts', ownUrl).href);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${body}); })`;
  return new Worker(bootstrap, { eval: true, execArgv: [], workerData: settings });
}

export class ThreadModel implements BatchModel {
  readonly name: string;
  private thread: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private loadedProvider: ExecutionProvider | undefined;

  constructor(
    private readonly settings: ThreadSettings,
    private readonly logger: ModelLogger = silentLogger,
    private readonly now: () => number = () => performance.now(),
  ) {
    // Read here too, so a bad manifest fails at start-up and the name is known before the thread runs.
    this.name = loadManifest(settings.manifestPath).name;
  }

  get loaded(): boolean {
    return this.loadedProvider !== undefined;
  }

  /** The execution provider in use, once loaded. */
  get provider(): ExecutionProvider | undefined {
    return this.loadedProvider;
  }

  async load(): Promise<void> {
    const reply = await this.request((id) => ({ kind: 'load', id }));
    if (reply.kind === 'loaded') this.loadedProvider = reply.provider;
  }

  async runBatch(batch: DecodedBatch, options: RunOptions = {}): Promise<BatchResponse> {
    const startedAt = options.receivedAtMs ?? this.now();
    const packed = packBatch(batch);
    const reply = await this.request((id) => ({ kind: 'run', id, batch: packed }), [packed.data]);
    if (reply.kind !== 'ran') throw new EngineError('internal', `The model thread answered a batch with ${reply.kind}`);
    // The thread's clock has another origin, so the total (which counts the wait before the run) is timed here.
    return { ...reply.response, timings: { ...reply.response.timings, totalMs: this.now() - startedAt } };
  }

  /** Stops the thread (a batch still in it fails); a later batch starts a new one. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    this.loadedProvider = undefined;
    await thread?.terminate();
  }

  private request(message: (id: number) => ThreadRequest, transfer: ArrayBuffer[] = []): Promise<ThreadReply> {
    const id = this.nextId++;
    const thread = this.running();
    return new Promise<ThreadReply>((resolve, reject) => {
      this.pending.set(id, { thread, resolve, reject });
      thread.ref(); // an answer is awaited: the process must live to receive it
      thread.postMessage(message(id), transfer);
    });
  }

  private running(): Worker {
    if (this.thread) return this.thread;
    const thread = startThread(this.settings);
    thread.on('message', (reply: ThreadReply) => this.receive(reply));
    const died = (why: string) => {
      if (this.thread === thread) {
        this.thread = undefined;
        this.loadedProvider = undefined;
      }
      const error = new EngineError('internal', `The model thread stopped: ${why}`);
      for (const [id, waiting] of this.pending) {
        if (waiting.thread !== thread) continue;
        this.pending.delete(id);
        waiting.reject(error);
      }
    };
    thread.on('error', (error) => died(error.message));
    thread.on('exit', (code) => died(`exit code ${code}`));
    // Idle, the thread must not keep the process alive on its own (request refs it while an answer is awaited).
    thread.unref();
    this.thread = thread;
    return thread;
  }

  private receive(reply: ThreadReply): void {
    if (reply.kind === 'log') {
      this.logger[reply.level](reply.message);
      return;
    }
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) waiting.thread.unref();
    if (reply.kind === 'failed') waiting.reject(new EngineError(reply.code, reply.message));
    else waiting.resolve(reply);
  }
}
