import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/core/errors.js';
import { loadManifest } from '../../shared/model/manifest.js';
import { ModelRunner } from '../../shared/model/runner.js';
import { ThreadModel } from '../../shared/model/thread-model.js';
import type { DecodedBatch } from '../../shared/protocol/batch.js';
import { item, pngBomb, seedJpeg, textFoxPng, textHelloJpeg } from './support.js';

const batch = (items: DecodedBatch['items'], batchId = 'b1'): DecodedBatch => ({ batchId, sentAtMs: 0, items });

describe('ThreadModel: the real model on its own thread', () => {
  const threaded = new ThreadModel({ maxPixels: 40_000_000 });
  const inProcess = new ModelRunner(loadManifest(), { maxPixels: 40_000_000 });

  beforeAll(async () => {
    await Promise.all([threaded.load(), inProcess.load()]);
  });
  afterAll(() => threaded.close());

  it('names the model before loading and reports the provider once loaded', () => {
    expect(new ThreadModel({ maxPixels: 1000 }).name).toBe('ppocr-mobile-v2.0-cls');
    expect(threaded.loaded).toBe(true);
    expect(threaded.provider).toBe('cpu');
  });

  it('answers exactly as the model run in this process, bad items included', async () => {
    const items = [item('hello', textHelloJpeg()), item('fox', textFoxPng(), 'image/png'), item('bad', Buffer.from('not an image')), item('seed', seedJpeg()), item('bomb', pngBomb(), 'image/png')];
    const [there, here] = await Promise.all([threaded.runBatch(batch(items)), inProcess.runBatch(batch(items))]);
    expect(there.results.map((result) => result.ok)).toEqual([true, true, false, true, false]);
    expect(there.results).toEqual(here.results);
    expect(there.model).toBe(here.model);
  });

  it('times the total from when the batch was received, on the caller clock', async () => {
    let now = 1000;
    const clocked = new ThreadModel({ maxPixels: 40_000_000 }, undefined, () => now);
    try {
      const running = clocked.runBatch(batch([item('hello', textHelloJpeg())]), { receivedAtMs: 400 });
      now = 1500;
      expect((await running).timings.totalMs).toBe(1100);
    } finally {
      await clocked.close();
    }
  });

  it('fails a batch in flight when the thread stops, and starts a new thread for the next', async () => {
    const model = new ThreadModel({ maxPixels: 40_000_000 });
    const running = model.runBatch(batch(Array.from({ length: 16 }, (_, index) => item(`i${index}`, seedJpeg()))));
    await model.close();
    await expect(running).rejects.toSatisfy((error) => error instanceof EngineError && error.code === 'internal' && /model thread stopped/.test(error.message));
    const again = await model.runBatch(batch([item('hello', textHelloJpeg())]));
    expect(again.results[0]!.ok).toBe(true);
    await model.close();
  });

  it('refuses a manifest that cannot be read at construction', () => {
    expect(() => new ThreadModel({ manifestPath: '/nonexistent/manifest.json', maxPixels: 1000 })).toThrow(/cannot be read/);
  });
});
