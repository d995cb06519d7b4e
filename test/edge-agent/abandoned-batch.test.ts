/**
 * Overload: a batch the scheduler abandoned at its deadline (it closed the connection) while the batch
 * waited for the GPU is dropped when its turn comes, rather than run for nobody while later batches wait behind it.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { BATCH_CONTENT_TYPE, encodeBatch } from '../../shared/protocol/batch.js';
import { createEdgeAgentApp } from '../../edge-agent/app.js';
import { TelemetryBuffer } from '../../edge-agent/telemetry-buffer.js';
import { item, textHelloJpeg } from '../model/support.js';
import { heldModel, listen, postBatch } from './support.js';

const clock = { now: () => performance.now(), wallNow: () => Date.now() };

describe('edge agent with a batch abandoned while it waited', () => {
  it('skips it and runs the next one', async () => {
    const { model: slowModel, started, finish } = heldModel();
    const limits = { maxBatchBytes: 512 * 1024, concurrency: 1, maxQueuedBatches: 4, minTransferSampleBytes: 1 };
    const { app, gate } = createEdgeAgentApp({ model: slowModel, verifier: null, clock, telemetry: new TelemetryBuffer(), limits });
    const seen: Request[] = [];
    const agent = await listen((request) => {
      seen.push(request);
      return app.fetch(request);
    });
    try {
      const items = [item('a', textHelloJpeg())];
      const first = postBatch(agent.url, items, { sign: false, batchId: 'first' });
      await expect.poll(() => started.length).toBe(1);
      const abandon = new AbortController();
      const body = encodeBatch('abandoned', Date.now(), items);
      const abandoned = fetch(`${agent.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': BATCH_CONTENT_TYPE },
        body,
        signal: abandon.signal,
      }).catch((error: Error) => error.name);
      await expect.poll(() => gate.queued).toBe(1);
      abandon.abort();
      expect(await abandoned).toBe('AbortError');
      // The agent sees the connection close before the GPU frees up.
      await expect.poll(() => seen[1]?.signal.aborted).toBe(true);
      finish[0]!();
      expect((await first).status).toBe(200);
      const third = postBatch(agent.url, items, { sign: false, batchId: 'third' });
      await expect.poll(() => started.length).toBe(2);
      finish[1]!();
      expect((await third).status).toBe(200);
      expect(started).toEqual(['first', 'third']);
      expect([gate.running, gate.queued]).toEqual([0, 0]);
    } finally {
      await agent.close();
    }
  });
});
