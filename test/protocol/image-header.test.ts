import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkImage, readImageHeader } from '../../shared/protocol/image-header.js';
import { DATA } from '../support/paths.js';

const seedJpeg = readFileSync(join(DATA, 'seed/images/1.jpg'));

describe('readImageHeader', () => {
  it('reads the seed JPEG size as sharp does', async () => {
    const meta = await sharp(seedJpeg).metadata();
    expect(readImageHeader(seedJpeg)).toEqual({ format: 'jpeg', width: meta.width, height: meta.height });
  });

  it.each(['png', 'webp', 'gif'] as const)('reads %s sizes written by sharp', async (format) => {
    const bytes = await sharp({ create: { width: 37, height: 23, channels: 3, background: '#808080' } })
      .toFormat(format)
      .toBuffer();
    expect(readImageHeader(bytes)).toEqual({ format, width: 37, height: 23 });
  });

  it('refuses what is not an image', () => {
    expect(() => readImageHeader(Buffer.from('hello, this is plain text'))).toThrow(/Not a readable image: unknown signature/);
    expect(() => readImageHeader(seedJpeg.subarray(0, 10))).toThrow(/too short/);
  });

  it('refuses a JPEG cut before its frame header', () => {
    const sof = seedJpeg.findIndex((byte, i) => byte === 0xff && seedJpeg[i + 1] === 0xc0);
    expect(sof).toBeGreaterThan(0);
    expect(() => readImageHeader(seedJpeg.subarray(0, sof))).toThrow(/frame header/);
  });
});

describe('checkImage', () => {
  it('accepts the seed JPEG under the pixel limit', () => {
    expect(checkImage(seedJpeg, 'image/jpeg', 40e6).width).toBe(381);
  });

  it('refuses a decompression bomb by its declared size (payload_too_large)', () => {
    // A valid PNG header declaring 50000 x 50000 pixels: 2.5 gigapixels in a few bytes.
    const bomb = Buffer.alloc(33);
    bomb.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    bomb.writeUInt32BE(50_000, 16);
    bomb.writeUInt32BE(50_000, 20);
    expect(() => checkImage(bomb, 'image/png', 40e6)).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
  });

  it('refuses a wrong or mismatched content type (unsupported_media_type)', () => {
    expect(() => checkImage(seedJpeg, 'text/plain', 40e6)).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
    expect(() => checkImage(seedJpeg, 'image/png', 40e6)).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
  });
});
