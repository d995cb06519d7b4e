/**
 * The scheduler's own overhead and throughput, beside a bare Hono echo server measured in the same run.
 * Reproduce: `npm run bench -- scheduler` (writes bench/results/scheduler.json and scheduler.md; about 1 minute).
 *
 * Processes: the scheduler (functions/scheduler/main.ts, in-memory store) or the echo server pinned to core 0
 * with taskset; the lanes (an instant loopback stand-in that answers every batch at once, so the scheduler is
 * what is measured) and the load generator (bench/scheduler-harness.ts `--role load`: node:http keep-alive, open loop or
 * closed loop, bounded in time) on core 1.
 *  (a) overhead: 2,000 requests a second for 8 s (after 3 s of warm-up) with the prototype's 24 KB JPEG. For each
 *      answer: queueMs (the designed batch wait) against the plan's timeout, totalMs minus the lane round trip
 *      (transferMs + inferenceMs), and client latency minus queueMs: what the scheduler adds beyond the wait.
 *  (b) maximum rate: 64 connections in a closed loop for 6 s with a 1x1 PNG (67 bytes).
 */
import { BUNDLED_IMAGE } from '../cli/bundled-assets.js';
import { rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { markdownTable, writeBenchResult } from './report.js';
import { load, quantile, startEcho, startInstantLanes, startScheduler, stop, type LoadResult, type Sample } from './scheduler-harness.js';

const JPEG = BUNDLED_IMAGE;

async function main(): Promise<void> {
  // Other work on the machine shows in every figure: its load average is recorded beside them.
  const loadAtStart = loadavg()[0]!;
  const lanes = await startInstantLanes();
  const tinyPng = lanes.tinyPng.path;
  const overhead = { body: JPEG, rate: Number(process.env.BENCH_RATE ?? 2000), connections: 256, warmupMs: 3000, durationMs: Number(process.env.BENCH_MS ?? 8000) };
  const saturate = { body: tinyPng, rate: 0, connections: 64, warmupMs: 1000, durationMs: 6000 };

  console.error('lanes calibrated; starting the scheduler');
  const scheduler = await startScheduler(lanes, statSync(JPEG).size);
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
  await stop(lanes.child);

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
      // Added beside the fields above: the lane's own round trip (transferMs + inferenceMs, part of what is added
      // beyond the wait), and the share of the requests sent that got an answer with a result.
      laneRoundTripMs: p(col((s) => s.timings!.transferMs + s.timings!.inferenceMs)),
      answeredShare: served.length / schedulerAt2000.sent,
      refused429: schedulerAt2000.samples.filter((sample) => sample.status === 429).length,
    },
    maxRate: {
      schedulerRps: (ok(schedulerMax).length * 1000) / saturate.durationMs,
      schedulerErrors: schedulerMax.samples.length - ok(schedulerMax).length,
      echoRps: (ok(echoMax).length * 1000) / saturate.durationMs,
      connections: saturate.connections,
      payloadBytes: lanes.tinyPng.bytes,
      ratio: 0,
    },
    /** The 1-minute load average of the machine when the run started and ended (2 cores). */
    loadAverage1m: { start: loadAtStart, end: loadavg()[0]! },
    targets: {} as Record<string, boolean>,
  };
  data.maxRate.ratio = data.maxRate.schedulerRps / data.maxRate.echoRps;
  // The front end's targets, judged on this run's figures.
  data.targets = {
    maxRateAtLeastHalfOfEcho: data.maxRate.ratio >= 0.5,
    everyRequestAnswered: served.length === schedulerAt2000.sent,
    no429: data.overhead.refused429 === 0,
    addedBeyondWaitP50AtMost2Ms: data.overhead.addedBeyondWaitMs.p50 <= 2,
    addedBeyondWaitP99AtMost10Ms: data.overhead.addedBeyondWaitMs.p99 <= 10,
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

The lane's own round trip (transferMs + inferenceMs), part of what is added beyond the wait: p50 ${f(o.laneRoundTripMs.p50)} ms, p99 ${f(o.laneRoundTripMs.p99)} ms.
Answered with a result: ${(100 * o.answeredShare).toFixed(1)}% of the requests sent; refused with 429: ${o.refused429}.

(b) Maximum rate, ${m.connections} connections closed loop, ${m.payloadBytes}-byte PNG: scheduler ${f(m.schedulerRps)} requests/s
(${m.schedulerErrors} errors), bare Hono echo ${f(m.echoRps)} requests/s; ratio ${(m.schedulerRps / m.echoRps).toFixed(3)}.

Machine load average (1 min, 2 cores) at the start and end of the run: ${data.loadAverage1m.start.toFixed(1)} and ${data.loadAverage1m.end.toFixed(1)}.
Targets on this run: ${Object.entries(data.targets).map(([name, held]) => `${name} ${held ? 'holds' : 'missed'}`).join('; ')}.
`;
  writeBenchResult('scheduler', data, markdown);
  console.log(markdown);
  rmSync(tinyPng, { force: true });
  rmSync(lanes.profilesFile, { force: true });
}

await main();
