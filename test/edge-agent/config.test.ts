import { describe, expect, it } from 'vitest';
import { defaultPublicUrl, readEdgeAgentConfig } from '../../edge-agent/config.js';
import { BatchGate } from '../../edge-agent/batch-gate.js';

const SECRET = 'sixteen-chars-ok';

describe('edge agent configuration', () => {
  it('has documented defaults for a stand-alone agent on loopback', () => {
    const config = readEdgeAgentConfig({ HOST: '127.0.0.1' });
    expect(config).toMatchObject({ port: 9200, host: '127.0.0.1', schedulerUrl: undefined, secret: undefined, reportIntervalMs: 2000, probeIntervalMs: 10_000, concurrency: 1 });
    expect(defaultPublicUrl(config, 9200)).toBe('http://127.0.0.1:9200/v1/batch');
  });

  it('requires a secret with a scheduler, or when listening beyond loopback', () => {
    expect(() => readEdgeAgentConfig({ HOST: '127.0.0.1', SCHEDULER_URL: 'http://127.0.0.1:9000' })).toThrow('EDGE_SECRET: Expected a secret of at least 16 characters, got none');
    expect(() => readEdgeAgentConfig({ SCHEDULER_URL: 'http://s:9000', EDGE_SECRET: 'short' })).toThrow('EDGE_SECRET: Expected a secret of at least 16 characters, got 5 characters');
    expect(() => readEdgeAgentConfig({})).toThrow('EDGE_SECRET: Expected a secret of at least 16 characters when HOST is not loopback, got none (HOST is "0.0.0.0")');
    const config = readEdgeAgentConfig({ SCHEDULER_URL: 'http://scheduler:9000/', EDGE_SECRET: SECRET, PUBLIC_URL: 'http://10.0.0.5:9200/v1/batch' });
    expect(config.schedulerUrl).toBe('http://scheduler:9000');
    expect(defaultPublicUrl(config, 1234)).toBe('http://10.0.0.5:9200/v1/batch');
  });

  it('says what it expected for bad values, and never echoes the secret', () => {
    expect(() => readEdgeAgentConfig({ HOST: '::1', PORT: 'eighty' })).toThrow('PORT: Expected an integer from 0 to 65535, got "eighty"');
    expect(() => readEdgeAgentConfig({ HOST: '::1', SCHEDULER_URL: 'ftp://x' })).toThrow('SCHEDULER_URL: Expected an http(s) URL, got "ftp://x"');
    expect(() => readEdgeAgentConfig({ HOST: '::1', PROBE_BYTES: String(2 * 1024 * 1024) })).toThrow('PROBE_BYTES: Expected an integer from 16384 to 1048576, got "2097152"');
    try {
      readEdgeAgentConfig({ SCHEDULER_URL: 'http://s', EDGE_SECRET: 'tiny-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('tiny-secret');
    }
  });
});

describe('BatchGate', () => {
  it('admits `concurrency` at once, queues in order, refuses beyond the queue', async () => {
    const gate = new BatchGate(2, 1);
    const a = await gate.acquire();
    const b = await gate.acquire();
    const order: string[] = [];
    const c = gate.acquire().then((release) => (order.push('c'), release));
    await expect(gate.acquire()).rejects.toMatchObject({ code: 'queue_full', retryAfterMs: 1000 });
    expect([gate.running, gate.queued, gate.full]).toEqual([2, 1, true]);
    a();
    a(); // releasing twice has no effect
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect([gate.running, gate.queued]).toEqual([2, 0]);
    b();
    releaseC();
    expect(gate.running).toBe(0);
  });
});
