/** Real images for the model, inference and edge-agent tests: fixtures on disk and defective files made from them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { BatchItem } from '../../shared/protocol/batch.js';
import { REPO_ROOT, DATA } from '../support/paths.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'images');

/** A line of upright text (rendered by test/fixtures/images/make-fixtures.ts). */
export const textHelloJpeg = (): Buffer => readFileSync(join(FIXTURES, 'text-hello.jpg'));
export const textFoxPng = (): Buffer => readFileSync(join(FIXTURES, 'text-fox.png'));
/** The prototype's request payload: a 381 x 499 photo, 24 KB. */
export const seedJpeg = (): Buffer => readFileSync(join(DATA, 'seed', 'images', '1.jpg'));
export const seedCropJpeg = (): Buffer => readFileSync(join(FIXTURES, 'seed-crop.jpg'));

export const rotated180 = (image: Buffer): Promise<Buffer> => sharp(image).rotate(180).png().toBuffer();

/** The first third of a JPEG: a truncated file. */
export const truncated = (image: Buffer): Buffer => image.subarray(0, Math.floor(image.byteLength / 3));

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.byteLength);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring width x height RGB pixels with almost no data: a decompression bomb's header. */
export function pngBomb(width = 100_000, height = 100_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export function item(id: string, data: Uint8Array, contentType = 'image/jpeg'): BatchItem {
  return { id, contentType, data };
}

/**
 * Results with each error message cut to its first clause. libvips keeps one error buffer per process, so a decode
 * running beside another may lose the detail after "corrupt header:"; the code and the clause are stable.
 */
export function withStableErrors(results: readonly unknown[]): unknown[] {
  const plain = JSON.parse(JSON.stringify(results)) as Array<{ error?: { code: string; message: string } }>;
  return plain.map((result) => (result.error ? { ...result, error: { ...result.error, message: result.error.message.split(':').slice(0, 2).join(':') } } : result));
}
