import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestVerifier } from '../../shared/protocol/auth.js';
import { sampleMbps } from '../../shared/protocol/telemetry.js';
import { NO_LINK_SAMPLE_HEADER } from '../../shared/protocol/batch.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { createEdgeAgentApp } from '../../edge-agent/app.js';
import { BandwidthProber } from '../../edge-agent/prober.js';
import { TelemetryReporter } from '../../edge-agent/reporter.js';
import { TelemetryBuffer } from '../../edge-agent/telemetry-buffer.js';
import { item, seedJpeg } from '../model/support.js';
import { SECRET, fakeScheduler, listen, postBatch, type Running } from './support.js';

const clock = { now: () => performance.now(), wallNow: () => Date.now() };
const identity = { agentId: 'edge-test', batchUrl: 'http://127.0.0.1:9200/v1/batch' };

describe('telemetry from a live agent to a fake scheduler', () => {
  const scheduler = fakeScheduler();
  let schedulerServer: Running;
  let agent: Running;
  const telemetry = new TelemetryBuffer();

  beforeAll(async () => {
    const model = getModelRunner();
    await model.load();
    schedulerServer = await listen(scheduler.app.fetch);
    const { app } = createEdgeAgentApp({
      model,
      verifier: new RequestVerifier(SECRET),
      clock,
      telemetry,
      limits: { maxBatchBytes: 8 * 1024 * 1024, concurrency: 1, maxQueuedBatches: 4, minTransferSampleBytes: 1 },
    });
    agent = await listen(app.fetch);
  });
  afterAll(async () => {
    await agent.close();
    await schedulerServer.close();
  });

  it('reports the batch latency and transfer bandwidth of a real batch, signed, and forgets what was delivered', async () => {
    // 16 copies of the 24 KB seed JPEG: about 390 KB, more than one socket read on loopback.
    const items = Array.from({ length: 16 }, (_, index) => item(`r${index}`, seedJpeg()));
    expect((await postBatch(agent.url, items)).status).toBe(200);
    const reporter = new TelemetryReporter(telemetry, identity, { schedulerUrl: schedulerServer.url, secret: SECRET, clock });
    expect(await reporter.flush()).toEqual({ ok: true, status: 200 });
    expect(scheduler.rejected).toEqual([]);
    const report = scheduler.reports.at(-1)!;
    expect(report).toMatchObject({ agentId: 'edge-test', batchUrl: identity.batchUrl });
    expect(report.batches).toHaveLength(1);
    expect(report.batches[0]).toMatchObject({ batchSize: 16 });
    expect(report.batches[0]!.totalMs).toBeGreaterThanOrEqual(report.batches[0]!.inferMs);
    const transfer = report.bandwidth.filter((sample) => sample.kind === 'transfer');
    expect(transfer).toHaveLength(1);
    // Everything after the first chunk counts: most of the body.
    expect(transfer[0]!.bytes).toBeGreaterThan((items.length * seedJpeg().byteLength) / 2);
    expect(transfer[0]!.bytes).toBeLessThan(items.length * seedJpeg().byteLength + 2048);
    expect(sampleMbps(transfer[0]!)).toBeGreaterThan(0);
    // Delivered samples are not sent again; the next report is a bare heartbeat.
    await reporter.flush();
    expect(scheduler.reports.at(-1)).toMatchObject({ bandwidth: [], batches: [] });
  });

  it('leaves a batch marked as not crossing the link (calibration) out of the bandwidth, not out of the latencies', async () => {
    const items = Array.from({ length: 16 }, (_, index) => item(`c${index}`, seedJpeg()));
    expect((await postBatch(agent.url, items, { headers: { [NO_LINK_SAMPLE_HEADER]: '1' } })).status).toBe(200);
    const reporter = new TelemetryReporter(telemetry, identity, { schedulerUrl: schedulerServer.url, secret: SECRET, clock });
    await reporter.flush();
    expect(scheduler.reports.at(-1)).toMatchObject({ bandwidth: [], batches: [{ batchSize: 16 }] });
  });
});

describe('TelemetryReporter when the scheduler fails', () => {
  it('keeps samples through failed reports and delivers them later; never throws', async () => {
    const scheduler = fakeScheduler();
    const server = await listen(scheduler.app.fetch);
    try {
      const buffer = new TelemetryBuffer();
      buffer.addBatch({ atMs: 1, batchSize: 4, preprocessMs: 2, inferMs: 3, totalMs: 6 });
      const logged: string[] = [];
      const reporter = new TelemetryReporter(buffer, identity, { schedulerUrl: server.url, secret: SECRET, clock, logger: { warn: (m) => logged.push(m) } });
      scheduler.state.failWith = 500;
      expect(await reporter.flush()).toEqual({ ok: false, reason: 'scheduler answered 500' });
      buffer.addBatch({ atMs: 2, batchSize: 8, preprocessMs: 2, inferMs: 5, totalMs: 8 });
      scheduler.state.failWith = 0;
      expect((await reporter.flush()).ok).toBe(true);
      expect(scheduler.reports[0]!.batches.map((sample) => sample.batchSize)).toEqual([4, 8]);
      expect(logged).toEqual(['Telemetry report failed (scheduler answered 500); samples kept for the next report', 'Telemetry delivered again after 1 failed report(s)']);
      expect(buffer.snapshot().batches).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('survives an unreachable scheduler', async () => {
    const closed = await listen(() => new Response('x'));
    await closed.close();
    const buffer = new TelemetryBuffer();
    buffer.addBandwidth({ atMs: 1, bytes: 1000, ms: 1, kind: 'transfer' });
    const reporter = new TelemetryReporter(buffer, identity, { schedulerUrl: closed.url, secret: SECRET, clock });
    const outcome = await reporter.flush();
    expect(outcome.ok).toBe(false);
    expect(buffer.snapshot().bandwidth).toHaveLength(1);
  });

  it('bounds the samples it keeps, dropping the oldest', () => {
    const buffer = new TelemetryBuffer(3);
    for (let i = 1; i <= 5; i++) buffer.addBandwidth({ atMs: i, bytes: 100 * i, ms: 1, kind: 'transfer' });
    expect(buffer.snapshot().bandwidth.map((sample) => sample.atMs)).toEqual([3, 4, 5]);
    // A snapshot taken before more samples arrived acknowledges only what it carried.
    const snapshot = buffer.snapshot();
    buffer.addBandwidth({ atMs: 6, bytes: 600, ms: 1, kind: 'transfer' });
    buffer.acknowledge(snapshot);
    expect(buffer.snapshot().bandwidth.map((sample) => sample.atMs)).toEqual([6]);
  });
});

describe('BandwidthProber', () => {
  it('downloads a signed probe from the scheduler when the link is idle, and not again within the interval', async () => {
    const scheduler = fakeScheduler();
    const server = await listen(scheduler.app.fetch);
    try {
      const buffer = new TelemetryBuffer();
      // Virtual agent time starting now: the fake scheduler checks signatures against its own wall clock.
      let wall = Date.now();
      const virtualWall = { now: () => performance.now(), wallNow: () => wall };
      const prober = new BandwidthProber(buffer, { probeBytes: 256 * 1024, idleMs: 10_000 }, { schedulerUrl: server.url, secret: SECRET, clock: virtualWall });
      // A real transfer 5 s ago: not idle yet.
      buffer.addBandwidth({ atMs: wall - 5_000, bytes: 1000, ms: 1, kind: 'transfer' });
      expect(await prober.probeIfIdle()).toBeUndefined();
      wall += 6_000;
      const sample = await prober.probeIfIdle();
      expect(scheduler.rejected).toEqual([]);
      expect(sample).toMatchObject({ kind: 'probe', atMs: wall });
      expect(sample!.bytes).toBeGreaterThan(0);
      expect(sample!.bytes).toBeLessThanOrEqual(256 * 1024);
      expect(buffer.snapshot().bandwidth.at(-1)).toEqual(sample);
      wall += 5_000;
      expect(await prober.probeIfIdle()).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('gives no sample (and does not throw) when the scheduler has no probe endpoint', async () => {
    const server = await listen(() => new Response('no', { status: 404 }));
    try {
      const logged: string[] = [];
      const prober = new BandwidthProber(new TelemetryBuffer(), { probeBytes: 65_536, idleMs: 1 }, { schedulerUrl: server.url, secret: SECRET, clock, logger: { warn: (m) => logged.push(m) } });
      expect(await prober.probe()).toBeUndefined();
      expect(logged).toEqual(['Bandwidth probe failed: scheduler answered 404']);
    } finally {
      await server.close();
    }
  });
});
