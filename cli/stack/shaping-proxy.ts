/**
 * A shaped network link, as Mahimahi's mm-link replays a trace: by time t since the link started, at most
 * bitsUntil(trace, t) bits have crossed it, first come first served across every connection using it. TCP
 * proxies put traffic on it: the local stack shapes what the scheduler sends the edge agent (batches) and what
 * the agent downloads from the scheduler (bandwidth probes), which cross the same real link; the other
 * direction (small answers and telemetry) passes unshaped.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { bandwidthAt, bitsUntil, type BandwidthTrace } from '../../shared/core/traces/index.js';

/**
 * How often the link releases what the trace allows. Each tick's bytes go out back to back, and the edge agent
 * measures the link by timing the chunks of a batch's body: a tick holding a whole batch (24 KB is 4 ms at
 * 48 Mbit/s) reads as a link hundreds of times faster than the trace. At 1 ms (the granularity of Mahimahi's
 * delivery opportunities) a batch spans several ticks at the rates of a cellular uplink.
 */
const TICK_MS = 1;
const HIGH_WATER_BYTES = 256 * 1024;

interface Pending {
  readonly from: Socket;
  readonly to: Socket;
  chunk: Buffer;
}

export class ShapedLink {
  private startedAt = performance.now();
  private readonly queue: Pending[] = [];
  private readonly sources = new Set<Socket>();
  private queuedBytes = 0;
  /** Allowance used: bytes delivered plus allowance an idle link let go by. */
  private consumed = 0;
  private delivered = 0;
  private readonly timer = setInterval(() => this.pump(), TICK_MS);

  constructor(private readonly trace: BandwidthTrace) {}

  get deliveredBytes(): number {
    return this.delivered;
  }

  /**
   * Plays the trace again from its time 0, from now on (bytes queued keep their place): `npm start` restarts
   * the link when the replay begins, so the trace's dip falls where it was chosen to fall, however long the
   * start-up and calibration took.
   */
  restart(): void {
    this.startedAt = performance.now();
    this.consumed = 0;
  }

  /** Queues `chunk` from `from` to `to`; `from` is paused while the link's backlog is large. */
  send(from: Socket, to: Socket, chunk: Buffer): void {
    this.queue.push({ from, to, chunk });
    this.queuedBytes += chunk.length;
    if (!this.sources.has(from)) {
      this.sources.add(from);
      from.once('close', () => this.sources.delete(from));
    }
    if (this.queuedBytes >= HIGH_WATER_BYTES) from.pause();
  }

  private pump(): void {
    const elapsedMs = performance.now() - this.startedAt;
    const allowed = Math.floor(bitsUntil(this.trace, elapsedMs) / 8);
    while (this.queue.length > 0 && this.consumed < allowed) {
      const head = this.queue[0]!;
      const take = Math.min(head.chunk.length, allowed - this.consumed);
      if (!head.to.destroyed) head.to.write(head.chunk.subarray(0, take));
      this.delivered += take;
      this.consumed += take;
      this.queuedBytes -= take;
      if (take === head.chunk.length) this.queue.shift();
      else head.chunk = head.chunk.subarray(take);
    }
    // Unused allowance does not bank up beyond one tick: an idle link does not buy a later burst.
    if (this.queue.length === 0) {
      this.consumed = Math.max(this.consumed, allowed - Math.ceil((bandwidthAt(this.trace, elapsedMs) * 1000 * TICK_MS) / 8));
    }
    if (this.queuedBytes < HIGH_WATER_BYTES) for (const source of this.sources) if (source.isPaused()) source.resume();
  }

  close(): void {
    clearInterval(this.timer);
  }
}

export interface ShapingProxy {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on loopback and forwards to targetPort; bytes in the `shape` direction go through the link, the
 * others straight through.
 */
export async function startShapingProxy(options: { targetPort: number; link: ShapedLink; shape: 'to-target' | 'from-target' }): Promise<ShapingProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const target = createConnection({ port: options.targetPort, host: '127.0.0.1' });
    sockets.add(client);
    const forward = (from: Socket, to: Socket, shaped: boolean) =>
      from.on('data', (chunk: Buffer) => (shaped ? options.link.send(from, to, chunk) : to.write(chunk)));
    forward(client, target, options.shape === 'to-target');
    forward(target, client, options.shape === 'from-target');
    const teardown = () => {
      sockets.delete(client);
      client.destroy();
      target.destroy();
    };
    for (const socket of [client, target]) {
      socket.on('error', teardown);
      socket.on('close', teardown);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
