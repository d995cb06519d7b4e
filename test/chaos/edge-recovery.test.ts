/**
 * The edge pool brings a restarted agent back at its first heartbeat after a silence, instead of after the
 * circuit breaker's backoff (which grows to 30 s while a dead agent's trials fail); an agent that keeps reporting
 * while its batches fail still waits the backoff out. Real loopback HTTP: the "dead" agent is a port nothing
 * listens on, so each batch fails with a refused connection; the clock is virtual.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpBatchRunner } from '../../functions/scheduler/lanes/http-batch-runner.js';
import { item, textHelloJpeg } from '../model/support.js';

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1/batch`;
}

async function failTrials(runner: HttpBatchRunner, clock: { t: number }, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await expect(runner.run({ batchId: `b${clock.t}-${i}`, items: [item('a', textHelloJpeg())], deadlineMs: clock.t + 5000 })).rejects.toMatchObject({ code: 'lane_failed' });
  }
}

describe('edge pool recovery after an agent restart', () => {
  it('takes the agent back at its first heartbeat after a silence, not after the backoff', async () => {
    const url = await closedPortUrl();
    const clock = { t: 0 };
    const runner = new HttpBatchRunner([], { concurrency: 1, heartbeatTimeoutMs: 15_000, now: () => clock.t });
    runner.heartbeat(url, 0);
    // The agent reports every second while its batches fail (a stalled GPU, say).
    const advance = (ms: number, reporting: boolean) => {
      for (let step = 0; step < ms; step += 1000) {
        clock.t += Math.min(1000, ms - step);
        if (reporting) runner.heartbeat(url, clock.t);
      }
    };
    await failTrials(runner, clock, 3); // breaker opens for 1 s
    for (const openMs of [1000, 2000, 4000, 8000]) {
      advance(openMs, true); // each failed trial doubles the open period
      expect(runner.healthy(clock.t)).toBe(true);
      await failTrials(runner, clock, 1);
    }
    // Open for 16 s now; reports that kept coming do not shorten it.
    advance(3000, true);
    expect(runner.healthy(clock.t)).toBe(false);
    // Silence (the agent died), then the restarted agent's first report, still within the backoff: a trial goes
    // out at once.
    advance(7000, false);
    expect(runner.healthy(clock.t)).toBe(false);
    runner.heartbeat(url, clock.t);
    expect(runner.healthy(clock.t)).toBe(true);
  });
});
