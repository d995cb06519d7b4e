import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { BatchResponse, DecodedBatch, ItemResult } from '../../shared/protocol/batch.js';
import { loadManifest } from '../../shared/model/manifest.js';
import { getModelRunner, ModelRunner } from '../../shared/model/runner.js';
import { item, pngBomb, rotated180, seedJpeg, textFoxPng, textHelloJpeg, truncated } from './support.js';

const batch = (items: DecodedBatch['items'], batchId = 'b1'): DecodedBatch => ({ batchId, sentAtMs: 0, items });
const top = (result: ItemResult | undefined) => {
  if (!result?.ok) throw new Error(`expected an ok result, got ${JSON.stringify(result)}`);
  return result.labels[0]!;
};
const scoreOf = (result: ItemResult, label: string) => (result.ok ? result.labels.find((entry) => entry.label === label)!.score : NaN);

describe('ModelRunner with the default PP-OCR direction classifier', () => {
  const runner = new ModelRunner(loadManifest());
  let hello: Buffer;
  let fox: Buffer;

  beforeAll(async () => {
    await runner.load();
    hello = textHelloJpeg();
    fox = textFoxPng();
  });

  it('opens the session once, on the CPU, and names the model', async () => {
    expect(runner.loaded).toBe(true);
    expect(runner.provider).toBe('cpu');
    const response = await runner.runBatch(batch([item('a', hello)]));
    expect(response.model).toBe('ppocr-mobile-v2.0-cls');
    expect(response.batchId).toBe('b1');
  });

  it('labels upright text "0" and its 180-degree rotation "180", with probabilities summing to 1', async () => {
    const response = await runner.runBatch(
      batch([item('hello', hello), item('hello-180', await rotated180(hello), 'image/png'), item('fox', fox, 'image/png'), item('fox-180', await rotated180(fox), 'image/png')]),
    );
    expect(response.results.map((result) => top(result).label)).toEqual(['0', '180', '0', '180']);
    for (const result of response.results) {
      expect(top(result).score).toBeGreaterThan(0.99);
      expect(scoreOf(result, '0') + scoreOf(result, '180')).toBeCloseTo(1, 5);
    }
  });

  it('gives the same scores for a batch of N as for N single runs', async () => {
    const images = [hello, fox, await rotated180(hello), seedJpeg(), await rotated180(fox)];
    const together = await runner.runBatch(batch(images.map((data, index) => item(`i${index}`, data))));
    for (const [index, data] of images.entries()) {
      const alone = await runner.runBatch(batch([item(`i${index}`, data)]));
      for (const label of ['0', '180']) {
        expect(Math.abs(scoreOf(together.results[index]!, label) - scoreOf(alone.results[0]!, label))).toBeLessThan(1e-5);
      }
    }
  });

  it('decodes a few images at a time without changing results or their order', async () => {
    const images = [hello, fox, await rotated180(hello), seedJpeg(), Buffer.from('bad'), await rotated180(fox)];
    const items = images.map((data, index) => item(`i${index}`, data));
    const oneAtATime = new ModelRunner(loadManifest(), { decodeConcurrency: 1 });
    const sequential = await oneAtATime.runBatch(batch(items));
    const parallel = await new ModelRunner(loadManifest(), { decodeConcurrency: 8 }).runBatch(batch(items));
    expect(sequential.results.map((result) => result.id)).toEqual(items.map((entry) => entry.id));
    expect(parallel.results).toEqual(sequential.results);
  });

  it('is deterministic: the same batch twice gives identical answers', async () => {
    const items = [item('a', hello), item('b', seedJpeg())];
    const first = await runner.runBatch(batch(items));
    const second = await runner.runBatch(batch(items));
    expect(second.results).toEqual(first.results);
  });

  it('fails only the bad items of a batch and still runs the rest', async () => {
    const response = await runner.runBatch(
      batch([
        item('good', hello),
        item('text', Buffer.from('this is not an image')),
        item('truncated', truncated(seedJpeg())),
        item('bomb', pngBomb(), 'image/png'),
        item('empty', Buffer.alloc(0)),
        item('svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'image/svg+xml'),
        item('svg-as-png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'image/png'),
        item('json', Buffer.from('{}'), 'application/json'),
        item('good-2', fox, 'image/png'),
      ]),
    );
    const byId = new Map(response.results.map((result) => [result.id, result]));
    expect(response.results.map((result) => result.id)).toEqual(['good', 'text', 'truncated', 'bomb', 'empty', 'svg', 'svg-as-png', 'json', 'good-2']);
    expect(top(byId.get('good')).label).toBe('0');
    expect(top(byId.get('good-2')).label).toBe('0');
    const errorOf = (id: string) => {
      const result = byId.get(id)!;
      if (result.ok) throw new Error(`${id} should have failed`);
      return result.error;
    };
    expect(errorOf('text')).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^Not a decodable image/) });
    expect(errorOf('truncated')).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^Not a decodable image/) });
    expect(errorOf('bomb')).toEqual({ code: 'payload_too_large', message: 'Image of 100000 x 100000 pixels is over the limit of 25000000 pixels' });
    expect(errorOf('empty').code).toBe('invalid_input');
    expect(errorOf('svg').code).toBe('unsupported_media_type');
    expect(errorOf('svg-as-png')).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('format svg') });
    expect(errorOf('json')).toMatchObject({ code: 'unsupported_media_type', message: 'Item content type application/json is not an image type' });
  });

  it('answers a batch of only bad images without calling the model', async () => {
    const response: BatchResponse = await runner.runBatch(batch([item('x', Buffer.from('nope'))]));
    expect(response.results).toEqual([{ id: 'x', ok: false, error: expect.objectContaining({ code: 'invalid_input' }) }]);
  });

  it('reads greyscale, alpha and EXIF-rotated images as colour', async () => {
    const grey = await sharp(hello).greyscale().png().toBuffer();
    const alpha = await sharp(hello).ensureAlpha(0.9).png().toBuffer();
    // Stored upside down with EXIF orientation 3 ("rotate 180 to view"): auto-orientation makes it upright.
    const exif = await sharp(await rotated180(hello)).withMetadata({ orientation: 3 }).jpeg().toBuffer();
    const response = await runner.runBatch(batch([item('grey', grey, 'image/png'), item('alpha', alpha, 'image/png'), item('exif', exif)]));
    expect(response.results.map((result) => top(result).label)).toEqual(['0', '0', '0']);
  });

  it('refuses images over a configured pixel limit before decoding', async () => {
    const small = new ModelRunner(loadManifest(), { maxPixels: 100 * 100 });
    const response = await small.runBatch(batch([item('big', seedJpeg()), item('ok', await sharp(hello).resize(96, 16).png().toBuffer(), 'image/png')]));
    expect(response.results[0]).toMatchObject({ ok: false, error: { code: 'payload_too_large', message: 'Image of 381 x 499 pixels is over the limit of 10000 pixels' } });
    expect(response.results[1]!.ok).toBe(true);
  });

  it('reports timings on the injected clock', async () => {
    let tick = 0;
    const ticking = new ModelRunner(loadManifest(), { now: () => (tick += 10) });
    const response = await ticking.runBatch(batch([item('a', hello)]), { receivedAtMs: 0 });
    // receivedAt 0; session opened (no clock), preprocess start 10, infer start 20, infer end 30, total 40.
    expect(response.timings).toEqual({ preprocessMs: 10, inferMs: 10, totalMs: 40 });
  });

  it('keeps one runner per manifest for the process', () => {
    expect(getModelRunner()).toBe(getModelRunner());
  });
});
