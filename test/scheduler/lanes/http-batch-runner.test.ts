import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBatchRunner } from '../../../functions/scheduler/lanes/http-batch-runner.js';
import { RequestVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../../shared/protocol/auth.js';
import { decodeBatch, type BatchResponse } from '../../../shared/protocol/batch.js';

const SECRET = 'test-secret-0123456789';

/** A stand-in agent speaking /v1/batch: verifies the signature, echoes per-item sizes as labels. */
/** `busy`: answers 429 as an agent whose batch queue is full; `stall-slow`: stalls only batches whose id starts "slow". */
function agentApp(behaviour: { mode: 'ok' | 'fail' | 'stall' | 'refuse' | 'busy' | 'stall-slow' | 'unauthorized' }) {
  const verifier = new RequestVerifier(SECRET);
  const app = new Hono();
  app.post('/v1/batch', async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    verifier.verify(
      { method: 'POST', path: '/v1/batch', body, timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) },
      Date.now(),
    );
    if (behaviour.mode === 'fail') return c.text('boom', 500);
    if (behaviour.mode === 'refuse') return c.text('bad batch', 400);
    if (behaviour.mode === 'unauthorized') return c.json({ error: { code: 'unauthorized', message: 'Bad signature' } }, 401);
    if (behaviour.mode === 'busy') return c.json({ error: { code: 'queue_full', message: 'Edge agent busy' } }, 429, { 'retry-after': '1' });
    if (behaviour.mode === 'stall') await new Promise((resolve) => setTimeout(resolve, 2_000));
    const batch = decodeBatch(body);
    if (behaviour.mode === 'stall-slow' && batch.batchId.startsWith('slow')) await new Promise((resolve) => setTimeout(resolve, 2_000));
    const response: BatchResponse = {
      batchId: batch.batchId,
      model: 'echo',
      results: batch.items.map((item) => ({ id: item.id, ok: true, labels: [{ label: String(item.data.byteLength), score: 1 }] })),
      timings: { preprocessMs: 1, inferMs: 2, totalMs: 3 },
    };
    return c.json(response);
  });
  return app;
}

async function listen(app: Hono): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server, url: `http://127.0.0.1:${info.port}/v1/batch` }),
    );
  });
}

describe('HttpBatchRunner over loopback', () => {
  const good = { mode: 'ok' as const };
  const flaky: { mode: 'ok' | 'fail' | 'stall' | 'refuse' | 'busy' | 'stall-slow' | 'unauthorized' } = { mode: 'fail' };
  let servers: ServerType[] = [];
  let goodUrl = '';
  let flakyUrl = '';

  beforeAll(async () => {
    const a = await listen(agentApp(good));
    const b = await listen(agentApp(flaky));
    servers = [a.server, b.server];
    goodUrl = a.url;
    flakyUrl = b.url;
  });
  afterAll(() => servers.forEach((server) => server.close()));

  const items = [
    { id: 'a', contentType: 'image/jpeg', data: new Uint8Array(10) },
    { id: 'b', contentType: 'image/jpeg', data: new Uint8Array(20) },
  ];

  /** A runner on the flaky target whose circuit opens after `failureThreshold` failures and stays open. */
  const breakingRunner = (failureThreshold: number) =>
    new HttpBatchRunner([flakyUrl], { concurrency: 1, secret: SECRET, heartbeatTimeoutMs: 10_000, now: Date.now, breaker: { failureThreshold, openMs: 60_000, maxOpenMs: 60_000 } });

  it('sends a signed batch and returns the per-item answers', async () => {
    const runner = new HttpBatchRunner([goodUrl], { concurrency: 1, secret: SECRET, heartbeatTimeoutMs: 10_000, now: Date.now });
    const outcome = await runner.run({ batchId: 'b1', items, deadlineMs: Date.now() + 5_000 });
    expect(outcome.response.results.map((result) => (result.ok ? result.labels[0]!.label : ''))).toEqual(['10', '20']);
    expect(outcome.target).toBe(goodUrl);
    expect(outcome.bytesSent).toBeGreaterThan(30);
  });

  it('opens the circuit of a failing target and sends the rest to the healthy one', async () => {
    flaky.mode = 'fail';
    const runner = breakingRunner(2);
    for (let i = 0; i < 2; i++) {
      await expect(runner.run({ batchId: `f${i}`, items, deadlineMs: Date.now() + 5_000 })).rejects.toMatchObject({ code: 'lane_failed', retryable: true });
    }
    expect(runner.healthy(Date.now())).toBe(false);
    runner.addTarget(goodUrl);
    expect(runner.healthy(Date.now())).toBe(true);
    const outcome = await runner.run({ batchId: 'g', items, deadlineMs: Date.now() + 5_000 });
    expect(outcome.target).toBe(goodUrl);
  });

  it('abandons a stalled call at the deadline', async () => {
    flaky.mode = 'stall';
    const runner = new HttpBatchRunner([flakyUrl], { concurrency: 1, secret: SECRET, heartbeatTimeoutMs: 10_000, now: Date.now });
    await expect(runner.run({ batchId: 's', items, deadlineMs: Date.now() + 200 })).rejects.toMatchObject({ code: 'deadline_exceeded' });
  });

  it('does not blame a target for a call abandoned before it had its expected time', async () => {
    flaky.mode = 'stall';
    const runner = breakingRunner(1);
    // 100 ms left for a batch the planner expects to take 500 ms: the requests queued too long, not the agent's fault.
    await expect(runner.run({ batchId: 'q', items, deadlineMs: Date.now() + 100, expectedMs: 500 })).rejects.toMatchObject({ code: 'deadline_exceeded' });
    expect(runner.status(Date.now())[0]!.state).toBe('closed');
    // Given its expected time and still silent: that is the agent.
    await expect(runner.run({ batchId: 'r', items, deadlineMs: Date.now() + 100, expectedMs: 50 })).rejects.toMatchObject({ code: 'deadline_exceeded' });
    expect(runner.status(Date.now())[0]!.state).toBe('open');
  });

  it('passes a refusal of the batch itself through as invalid input without blaming the target', async () => {
    flaky.mode = 'refuse';
    const runner = new HttpBatchRunner([flakyUrl], { concurrency: 1, secret: SECRET, heartbeatTimeoutMs: 10_000, now: Date.now });
    await expect(runner.run({ batchId: 'r', items, deadlineMs: Date.now() + 5_000 })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(runner.status(Date.now())[0]!.state).toBe('closed');
  });

  it('takes a silent agent out of rotation until it reports again', () => {
    let now = 0;
    const runner = new HttpBatchRunner([], { concurrency: 1, heartbeatTimeoutMs: 3_000, now: () => now });
    runner.heartbeat(goodUrl, 0);
    expect(runner.healthy(now)).toBe(true);
    now = 3_001;
    expect(runner.healthy(now)).toBe(false);
    expect(runner.status(now)[0]!.state).toBe('silent');
    runner.heartbeat(goodUrl, now);
    expect(runner.healthy(now)).toBe(true);
  });
  it("takes a target's refusal of the scheduler's credentials as a lane failure, not as the client's bad input", async () => {
    flaky.mode = 'unauthorized';
    const runner = new HttpBatchRunner([flakyUrl], { concurrency: 1, secret: SECRET, heartbeatTimeoutMs: 10_000, now: Date.now });
    await expect(runner.run({ batchId: 'u', items, deadlineMs: Date.now() + 5_000 })).rejects.toMatchObject({ code: 'lane_failed', retryable: true });
  });

  it('takes a busy target\'s 429 as retryable overload on the other lane, not as a fault', async () => {
    flaky.mode = 'busy';
    const runner = breakingRunner(1);
    await expect(runner.run({ batchId: 'busy', items, deadlineMs: Date.now() + 5_000 })).rejects.toMatchObject({ code: 'throttled', retryable: true, retryAfterMs: 1000 });
    expect(runner.status(Date.now())[0]!.state).toBe('closed');
    expect(runner.healthy(Date.now())).toBe(true);
  });

  it('does not blame a target for a timed-out call while it kept answering others (slow under our load, not down)', async () => {
    flaky.mode = 'stall-slow';
    const runner = new HttpBatchRunner([flakyUrl], {
      concurrency: 2,
      secret: SECRET,
      heartbeatTimeoutMs: 10_000,
      now: Date.now,
      breaker: { failureThreshold: 1, openMs: 60_000, maxOpenMs: 60_000 },
    });
    const slow = runner.run({ batchId: 'slow-1', items, deadlineMs: Date.now() + 300, expectedMs: 50 });
    const fast = runner.run({ batchId: 'fast-1', items, deadlineMs: Date.now() + 5_000, expectedMs: 50 });
    await expect(fast).resolves.toMatchObject({ target: flakyUrl });
    await expect(slow).rejects.toMatchObject({ code: 'deadline_exceeded' });
    expect(runner.status(Date.now())[0]!.state).toBe('closed');
  });

  it('still blames a target that answered nothing for longer than the timed-out call\'s budget', async () => {
    flaky.mode = 'stall-slow';
    let clock = Date.now(); // near the wall clock: the agent checks the signature's timestamp
    const runner = new HttpBatchRunner([flakyUrl], {
      concurrency: 2,
      secret: SECRET,
      heartbeatTimeoutMs: Infinity,
      now: () => clock,
      breaker: { failureThreshold: 1, openMs: 60_000, maxOpenMs: 60_000 },
    });
    await runner.run({ batchId: 'fast-2', items, deadlineMs: clock + 5_000, expectedMs: 50 }); // answered now
    clock += 10_000; // then ten silent seconds
    await expect(runner.run({ batchId: 'slow-2', items, deadlineMs: clock + 100, expectedMs: 50 })).rejects.toMatchObject({ code: 'deadline_exceeded' });
    expect(runner.status(clock)[0]!.state).toBe('open');
  });

  it('keeps the circuit of an agent that still reports closed while its calls time out (a link in a dip: slow, not broken)', async () => {
    flaky.mode = 'stall';
    const runner = breakingRunner(1);
    runner.heartbeat(flakyUrl, Date.now());
    await expect(runner.run({ batchId: 'dip', items, deadlineMs: Date.now() + 100, expectedMs: 50 })).rejects.toMatchObject({ code: 'deadline_exceeded' });
    expect(runner.status(Date.now())[0]!.state).toBe('closed');
    expect(runner.healthy(Date.now())).toBe(true);
  });
});
