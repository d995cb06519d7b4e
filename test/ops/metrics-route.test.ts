import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchedulerMetrics, createMetricsRoutes } from '../../functions/scheduler/ops/metrics.js';
import { listen } from './serve.js';
import { find, parseExposition } from './prom-text.js';

describe('GET /metrics over real HTTP', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  const metrics = new SchedulerMetrics({ processMetrics: false });
  beforeAll(async () => {
    server = await listen(createMetricsRoutes(metrics));
  });
  afterAll(() => server.close());

  it('serves the current values with the exposition content type', async () => {
    metrics.countReplan('manual');
    const first = await fetch(`${server.url}/metrics`);
    expect(first.headers.get('content-type')).toBe(metrics.contentType);
    expect(find(parseExposition(await first.text()), 'edgebatch_replans_total', { reason: 'manual' })).toBe(1);
    metrics.countReplan('manual');
    expect(find(parseExposition(await (await fetch(`${server.url}/metrics`)).text()), 'edgebatch_replans_total', { reason: 'manual' })).toBe(2);
  });
});
