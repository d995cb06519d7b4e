/**
 * The scheduler's own overhead and throughput, beside a bare Hono echo server measured in the same run.
 * Reproduce: `npm run bench -- scheduler` (writes bench/results/scheduler.json and scheduler.md; about 1 minute).
 *
 * Processes: the scheduler (functions/scheduler/main.ts, in-memory store) or the echo server pinned to core 0
 * with taskset; the lanes (an instant loopback stand-in that answers every batch at once, so the scheduler is
 * what is measured) and the load generator (this file with `--role load`: node:http keep-alive, open loop or
 * closed loop, bounded in time) on core 1.
 *  (a) overhead: 2,000 requests a second for 8 s (after 3 s of warm-up) with the prototype's 24 KB JPEG. For each
 *      answer: queueMs (the designed batch wait) against the plan's timeout, totalMs minus the lane round trip
 *      (transferMs + inferenceMs), and client latency minus queueMs: what the scheduler adds beyond the wait.
 *  (b) maximum rate: 64 connections in a closed loop for 6 s with a 1x1 PNG (67 bytes).
 */
import { BUNDLED_IMAGE } from '../cli/bundled-assets.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import sharp from 'sharp';
import { freePort } from '../cli/stack/free-port.js';
import { markdownTable, writeBenchResult } from './report.js';

const ROOT = join(import.meta.dirname, '..');
const JPEG = BUNDLED_IMAGE;

interface Sample {
  readonly latencyMs: number;
  readonly status: number;
  readonly timings?: { queueMs: number; transferMs: number; inferenceMs: number; totalMs: number };
  readonly batchSize?: number;
}

interface LoadResult {
  readonly samples: Sample[];
  readonly durationMs: number;
  readonly sent: number;
}

// ---------- load generator role (its own process) ----------

async function runLoad(args: { url: string; body: string; rate: number; connections: number; warmupMs: number; durationMs: number }): Promise<void> {
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
    // Closed loop: each connection sends its next request when the last is answered.
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

function spawnChild(args: string[], env: Record<string, string>, core: number): ChildProcess {
  return spawn('taskset', ['-c', String(core), process.execPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function waitHealthy(url: string): Promise<void> {
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

function load(url: string, options: { body: string; rate: number; connections: number; warmupMs: number; durationMs: number }): Promise<LoadResult> {
  const child = spawnChild(
    ['--import', 'tsx', join(import.meta.dirname, 'scheduler.bench.ts'), '--role', 'load', '--url', url, '--body', options.body, '--rate', String(options.rate), '--connections', String(options.connections), '--warmup', String(options.warmupMs), '--duration', String(options.durationMs)],
    {},
    1,
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited ${code}: ${err}`)))));
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** SIGTERM, then SIGKILL after 10 s: a scheduler draining a large backlog must not hold the bench. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startScheduler(laneUrl: string, profilesFile: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawnChild(['--import', 'tsx', join(ROOT, 'functions', 'scheduler', 'main.ts')], {
    PROFILES_FILE: profilesFile,
    PORT: String(port),
    HOST: '127.0.0.1',
    EDGE_URLS: laneUrl,
    INFERENCE_URL: laneUrl,
    STORE: 'memory',
    LOG_LEVEL: 'warn',
    EDGE_BANDWIDTH_MBPS: '1000',
    PAYLOAD_BYTES: '24178',
  }, 0);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(`${url}/healthz`);
  return { url, child };
}

async function startEcho(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawnChild(['--import', 'tsx', join(import.meta.dirname, 'scheduler.bench.ts'), '--role', 'echo', '--port', String(port)], {}, 0);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(`${url}/healthz`);
  return { url, child };
}

async function main(): Promise<void> {
  const tinyPng = join(tmpdir(), `edgebatch-bench-1x1-${process.pid}.png`);
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png().toBuffer();
  writeFileSync(tinyPng, png);

  const lanePort = await freePort();
  const lane = spawnChild(['--import', 'tsx', join(ROOT, 'test', 'integration', 'support', 'instant-lane.ts')], { PORT: String(lanePort) }, 1);
  await waitHealthy(`http://127.0.0.1:${lanePort}/healthz`);
  const laneUrl = `http://127.0.0.1:${lanePort}/v1/batch`;
  // The scheduler must know how fast these lanes are, or it plans (and sheds load) for the prototype's Orin and FC:
  // measure them the way a deployment does, with `edgebatch calibrate`.
  const profilesFile = join(tmpdir(), `edgebatch-bench-profiles-${process.pid}.json`);
  const calibration = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgebatch.js'), 'calibrate', '--edge', laneUrl, '--serverless', laneUrl, '--batches', '1,8,32,64', '--repeats', '3', '--out', profilesFile], { encoding: 'utf8' });
  if (calibration.status !== 0) throw new Error(`calibrate failed: ${calibration.stderr}`);

  const overhead = { body: JPEG, rate: Number(process.env.BENCH_RATE ?? 2000), connections: 256, warmupMs: 3000, durationMs: Number(process.env.BENCH_MS ?? 8000) };
  const saturate = { body: tinyPng, rate: 0, connections: 64, warmupMs: 1000, durationMs: 6000 };

  console.error('lanes calibrated; starting the scheduler');
  const scheduler = await startScheduler(laneUrl, profilesFile);
  console.error('(a) scheduler at the offered rate');
  const schedulerAt2000 = await load(`${scheduler.url}/v1/infer`, overhead);
  const plan = ((await (await fetch(`${scheduler.url}/v1/plan`)).json()) as { plan: { lanes: Record<string, { batchSize: number; timeoutMs: number; share: number }> } }).plan;
  console.error('(b) scheduler at its maximum rate');
  const schedulerMax = await load(`${scheduler.url}/v1/infer`, saturate);
  await stop(scheduler.child);

  console.error('echo server: (a) and (b)');
  const echo = await startEcho();
  const echoAt2000 = await load(`${echo.url}/v1/infer`, overhead);
  const echoMax = await load(`${echo.url}/v1/infer`, saturate);
  await stop(echo.child);
  await stop(lane);

  const ok = (result: LoadResult) => result.samples.filter((sample) => sample.status === 200);
  const served = ok(schedulerAt2000);
  const timed = served.filter((sample) => sample.timings);
  const col = (f: (sample: Sample) => number, from = timed) => from.map(f);
  const p = (values: number[]) => ({ p50: quantile(values, 0.5), p99: quantile(values, 0.99) });
  const timeoutMs = Math.max(plan.lanes.edge!.timeoutMs, plan.lanes.serverless!.timeoutMs);
  const data = {
    overhead: {
      offeredRps: overhead.rate,
      achievedRps: (served.length * 1000) / overhead.durationMs,
      sent: schedulerAt2000.sent,
      errors: schedulerAt2000.samples.length - served.length,
      // -1: not sent because 256 requests were already outstanding; 0: connection error or client timeout.
      statuses: Object.fromEntries([...new Set(schedulerAt2000.samples.map((sample) => sample.status))].map((status) => [status, schedulerAt2000.samples.filter((sample) => sample.status === status).length])),
      plan: plan.lanes,
      clientLatencyMs: p(col((s) => s.latencyMs, served)),
      queueMs: p(col((s) => s.timings!.queueMs)),
      planTimeoutMs: timeoutMs,
      totalMinusLaneMs: p(col((s) => s.timings!.totalMs - s.timings!.transferMs - s.timings!.inferenceMs)),
      addedBeyondWaitMs: p(col((s) => s.latencyMs - s.timings!.queueMs)),
      batchSize: p(col((s) => s.batchSize!)),
      echoClientLatencyMs: p(col((s) => s.latencyMs, ok(echoAt2000))),
      echoAchievedRps: (ok(echoAt2000).length * 1000) / overhead.durationMs,
    },
    maxRate: {
      schedulerRps: (ok(schedulerMax).length * 1000) / saturate.durationMs,
      schedulerErrors: schedulerMax.samples.length - ok(schedulerMax).length,
      echoRps: (ok(echoMax).length * 1000) / saturate.durationMs,
      connections: saturate.connections,
      payloadBytes: png.byteLength,
    },
  };
  const o = data.overhead;
  const m = data.maxRate;
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
  const markdown = `## Scheduler overhead and throughput (\`npm run bench -- scheduler\`)

Scheduler process (or a bare Hono echo server) pinned to one core; instant loopback lanes and the load generator
on the other. (a) ${overhead.rate} requests/s open loop with the prototype's 24 KB JPEG, ${overhead.durationMs / 1000} s measured after
${overhead.warmupMs / 1000} s warm-up: achieved ${f(o.achievedRps)}/s answered, ${o.errors} not served (by status, -1 = not sent with 256 outstanding: ${JSON.stringify(o.statuses)}); plan at the end: edge batch
${plan.lanes.edge!.batchSize} / timeout ${f(plan.lanes.edge!.timeoutMs)} ms, serverless batch ${plan.lanes.serverless!.batchSize} / timeout ${f(plan.lanes.serverless!.timeoutMs)} ms.

${markdownTable(
    ['measure (ms)', 'p50', 'p99'],
    [
      ['client latency, scheduler', f(o.clientLatencyMs.p50), f(o.clientLatencyMs.p99)],
      ['timings.queueMs (designed wait; plan timeout ' + f(timeoutMs) + ')', f(o.queueMs.p50), f(o.queueMs.p99)],
      ['totalMs minus lane round trip', f(o.totalMinusLaneMs.p50), f(o.totalMinusLaneMs.p99)],
      ['client latency minus queueMs (added beyond the wait)', f(o.addedBeyondWaitMs.p50), f(o.addedBeyondWaitMs.p99)],
      ['client latency, bare Hono echo', f(o.echoClientLatencyMs.p50), f(o.echoClientLatencyMs.p99)],
    ],
  )}

Ratio of the p99 added beyond the wait to the echo server's p99: ${f(o.addedBeyondWaitMs.p99 / o.echoClientLatencyMs.p99)}x.

(b) Maximum rate, ${m.connections} connections closed loop, ${m.payloadBytes}-byte PNG: scheduler ${f(m.schedulerRps)} requests/s
(${m.schedulerErrors} errors), bare Hono echo ${f(m.echoRps)} requests/s; ratio ${(m.schedulerRps / m.echoRps).toFixed(3)}.
`;
  writeBenchResult('scheduler', data, markdown);
  console.log(markdown);
  rmSync(tinyPng, { force: true });
  rmSync(profilesFile, { force: true });
}

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
  await main();
}
