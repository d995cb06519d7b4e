/**
 * The processes the scheduler bench and the scheduler profile share: the instant lanes, their calibration, the
 * scheduler (or a bare Hono echo server) pinned to core 0, and the load generator pinned to core 1.
 *
 * Run as a script it plays one role: `--role load` (node:http keep-alive, open loop at `--rate` or closed loop
 * when the rate is 0, bounded in time; prints its samples as JSON) or `--role echo` (the baseline server).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import sharp from 'sharp';
import { freePort } from '../cli/stack/free-port.js';

const ROOT = join(import.meta.dirname, '..');
const HARNESS = join(import.meta.dirname, 'scheduler-harness.ts');

export interface Sample {
  readonly latencyMs: number;
  readonly status: number;
  readonly timings?: { queueMs: number; transferMs: number; inferenceMs: number; totalMs: number };
  readonly batchSize?: number;
}

export interface LoadResult {
  readonly samples: Sample[];
  readonly durationMs: number;
  readonly sent: number;
}

export interface LoadOptions {
  readonly body: string;
  /** Requests a second, open loop; 0: closed loop, each connection sends its next when the last is answered. */
  readonly rate: number;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

// ---------- load generator role (its own process) ----------

async function runLoad(args: LoadOptions & { url: string }): Promise<void> {
  const body = readFileSync(args.body);
  const type = args.body.endsWith('.png') ? 'image/png' : 'image/jpeg';
  const agent = new http.Agent({ keepAlive: true, maxSockets: args.connections });
  const target = new URL(args.url);
  const samples: Sample[] = [];
  const send = (record: boolean) =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': type, 'content-length': body.byteLength } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const latencyMs = performance.now() - start;
          if (record) {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Pick<Sample, 'timings' | 'batchSize'>;
            samples.push({ latencyMs, status: response.statusCode ?? 0, ...(parsed.timings ? { timings: parsed.timings, batchSize: parsed.batchSize! } : {}) });
          }
          resolve();
        });
      });
      request.setTimeout(10_000, () => request.destroy());
      request.on('error', () => {
        if (record) samples.push({ latencyMs: performance.now() - start, status: 0 });
        resolve();
      });
      request.end(body);
    });

  const begin = performance.now();
  const endAt = begin + args.warmupMs + args.durationMs;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  if (args.rate > 0) {
    // Open loop: each request at its scheduled instant, whatever the answers do (bounded outstanding work).
    const gapMs = 1000 / args.rate;
    for (let index = 0; ; index += 1) {
      const at = begin + index * gapMs;
      if (at >= endAt) break;
      const waitMs = at - performance.now();
      if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
      const record = at >= begin + args.warmupMs;
      if (record) sent += 1;
      // Outstanding work is bounded: past the connection count the request is counted as not served.
      if (inFlight.size >= args.connections) {
        if (record) samples.push({ latencyMs: NaN, status: -1 });
        continue;
      }
      const promise: Promise<void> = send(record).then(() => {
        inFlight.delete(promise);
      });
      inFlight.add(promise);
    }
  } else {
    await Promise.all(
      Array.from({ length: args.connections }, async () => {
        while (performance.now() < endAt) {
          const record = performance.now() >= begin + args.warmupMs;
          if (record) sent += 1;
          await send(record);
        }
      }),
    );
  }
  await Promise.all(inFlight);
  const result: LoadResult = { samples, durationMs: args.durationMs, sent };
  process.stdout.write(JSON.stringify(result));
  agent.destroy();
}

// ---------- orchestration ----------

export function spawnChild(args: string[], env: Record<string, string>, core: number): ChildProcess {
  return spawn('taskset', ['-c', String(core), process.execPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A server child's output is read and dropped. Left unread, a full pipe stalls its logger: the scheduler logs
 * every refusal at warn, and at exit pino's flush blocks on the pipe for good (no profile, SIGKILL).
 */
function serverChild(args: string[], env: Record<string, string>, core: number): ChildProcess {
  const child = spawnChild(args, env, core);
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

export async function waitHealthy(url: string): Promise<void> {
  for (let tries = 0; tries < 300; tries += 1) {
    try {
      const response = await fetch(url);
      if (response.status < 500 || response.status === 503) return;
    } catch {
      // not yet listening
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up`);
}

export function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const child = spawnChild(
    ['--import', 'tsx', HARNESS, '--role', 'load', '--url', url, '--body', options.body, '--rate', String(options.rate), '--connections', String(options.connections), '--warmup', String(options.warmupMs), '--duration', String(options.durationMs)],
    {},
    1,
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited ${code}: ${err}`)))));
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * SIGTERM, then SIGKILL after `graceMs` (default 10 s): a scheduler draining a large backlog must not hold the
 * bench. A profiled process needs longer: it writes its profile on the way out.
 */
export function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface InstantLanes {
  readonly url: string;
  /** Latency profiles measured on these lanes (`edgebatch calibrate`), for PROFILES_FILE. */
  readonly profilesFile: string;
  /** A 1x1 PNG for the maximum-rate load. */
  readonly tinyPng: { readonly path: string; readonly bytes: number };
  readonly child: ChildProcess;
}

/**
 * The instant loopback lanes on core 1, calibrated the way a deployment measures its lanes: the scheduler must
 * know how fast these lanes are, or it plans (and sheds load) for the prototype's Orin and FC.
 */
export async function startInstantLanes(): Promise<InstantLanes> {
  const tinyPng = join(tmpdir(), `edgebatch-bench-1x1-${process.pid}.png`);
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png().toBuffer();
  writeFileSync(tinyPng, png);
  const lanePort = await freePort();
  const child = serverChild(['--import', 'tsx', join(ROOT, 'test', 'integration', 'support', 'instant-lane.ts')], { PORT: String(lanePort) }, 1);
  await waitHealthy(`http://127.0.0.1:${lanePort}/healthz`);
  const url = `http://127.0.0.1:${lanePort}/v1/batch`;
  const profilesFile = join(tmpdir(), `edgebatch-bench-profiles-${process.pid}.json`);
  const calibration = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgebatch.js'), 'calibrate', '--edge', url, '--serverless', url, '--batches', '1,8,32,64', '--repeats', '3', '--out', profilesFile], { encoding: 'utf8' });
  if (calibration.status !== 0) throw new Error(`calibrate failed: ${calibration.stderr}`);
  return { url, profilesFile, tinyPng: { path: tinyPng, bytes: png.byteLength }, child };
}

/**
 * The scheduler (functions/scheduler/main.ts, in-memory store) on core 0; `nodeArgs` e.g. --cpu-prof; `tree`: the
 * source tree to run it from (default this one; another for comparing against an earlier commit).
 */
export async function startScheduler(lanes: InstantLanes, payloadBytes: number, nodeArgs: readonly string[] = [], tree = ROOT): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = serverChild([...nodeArgs, '--import', 'tsx', join(tree, 'functions', 'scheduler', 'main.ts')], {
    PROFILES_FILE: lanes.profilesFile,
    PORT: String(port),
    HOST: '127.0.0.1',
    EDGE_URLS: lanes.url,
    INFERENCE_URL: lanes.url,
    STORE: 'memory',
    LOG_LEVEL: 'warn',
    EDGE_BANDWIDTH_MBPS: '1000',
    PAYLOAD_BYTES: String(payloadBytes),
  }, 0);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(`${url}/healthz`);
  return { url, child };
}

export async function startEcho(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = serverChild(['--import', 'tsx', HARNESS, '--role', 'echo', '--port', String(port)], {}, 0);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(`${url}/healthz`);
  return { url, child };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      url: { type: 'string' },
      body: { type: 'string' },
      rate: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      duration: { type: 'string' },
      port: { type: 'string' },
    },
  });
  if (values.role === 'load') {
    await runLoad({ url: values.url!, body: values.body!, rate: Number(values.rate), connections: Number(values.connections), warmupMs: Number(values.warmup), durationMs: Number(values.duration) });
  } else if (values.role === 'echo') {
    // The baseline: Hono on @hono/node-server, reading the body and answering a small JSON, nothing else.
    const app = new Hono();
    app.get('/healthz', (c) => c.json({ status: 'ok' }));
    app.post('/v1/infer', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(values.port) });
  } else {
    throw new Error(`Unknown role ${JSON.stringify(values.role)}: expected "load" or "echo"`);
  }
}
