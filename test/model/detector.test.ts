/**
 * The PP-OCRv4 text detector that `npm start` serves (shared/model/detector-manifest.ts): the real model through
 * the manifest and the runner, its text-map summary, and its cost on this machine (printed, not asserted: the
 * machine is shared).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecodedBatch, ItemResult } from '../../shared/protocol/batch.js';
import { DETECTOR_MANIFEST } from '../../shared/model/detector-manifest.js';
import { parseManifest } from '../../shared/model/manifest.js';
import { ModelRunner } from '../../shared/model/runner.js';
import { REPO_ROOT } from '../support/paths.js';
import { item, seedJpeg, textFoxPng, textHelloJpeg } from './support.js';
import { join } from 'node:path';

const manifest = parseManifest({ ...DETECTOR_MANIFEST, intraOpThreads: 1 }, join(REPO_ROOT, 'shared', 'model'), 'detector');
const batch = (items: DecodedBatch['items']): DecodedBatch => ({ batchId: 'b', sentAtMs: 0, items });
const score = (result: ItemResult | undefined, label: string) => {
  if (!result?.ok) throw new Error(`expected an ok result, got ${JSON.stringify(result)}`);
  return result.labels.find((entry) => entry.label === label)!.score;
};

describe('the PP-OCRv4 text detector', () => {
  const runner = new ModelRunner(manifest, { decodeConcurrency: 1 });
  beforeAll(() => runner.load());

  it('finds text in rendered text lines and none in the prototype photo', async () => {
    const response = await runner.runBatch(batch([item('hello', textHelloJpeg()), item('fox', textFoxPng(), 'image/png'), item('photo', seedJpeg())]));
    expect(response.model).toBe('ppocr-v4-det');
    const [hello, fox, photo] = response.results;
    expect(score(hello, 'text')).toBeGreaterThan(0.9);
    expect(score(fox, 'text')).toBeGreaterThan(0.9);
    // A text line fills a share of the picture; the photo has no pixel at the DB threshold.
    expect(score(hello, 'text-area')).toBeGreaterThan(0.02);
    expect(score(hello, 'text-area')).toBeLessThan(0.6);
    expect(score(photo, 'text')).toBeLessThan(0.3);
    expect(score(photo, 'text-area')).toBe(0);
  });

  it('gives the same answer for an image in a batch as alone', async () => {
    const images = [textHelloJpeg(), seedJpeg(), textHelloJpeg()];
    const together = await runner.runBatch(batch(images.map((data, i) => item(`i${i}`, data))));
    const alone = await runner.runBatch(batch([item('i0', images[0]!)]));
    expect(Math.abs(score(together.results[0], 'text-area') - score(alone.results[0], 'text-area'))).toBeLessThan(1e-3);
  });

  it('costs tens of ms per image on one thread (figures printed)', async () => {
    const photo = seedJpeg();
    const perImage: Record<number, number> = {};
    for (const size of [1, 8]) {
      const items = Array.from({ length: size }, (_, i) => item(`p${i}`, photo));
      await runner.runBatch(batch(items));
      let total = 0;
      for (let k = 0; k < 3; k++) total += (await runner.runBatch(batch(items))).timings.totalMs;
      perImage[size] = total / 3 / size;
    }
    console.log(`PP-OCRv4 det ${manifest.input.height} x ${manifest.input.width}, 1 thread: ${perImage[1]!.toFixed(1)} ms/image alone, ${perImage[8]!.toFixed(1)} ms/image in a batch of 8`);
    expect(perImage[1]).toBeGreaterThan(5);
  });
});
