/**
 * One image to one slot of the batch tensor, with sharp. The image's header is read first, so a file that
 * declares more pixels than allowed (a decompression bomb) is refused before anything is decoded.
 */
import sharp from 'sharp';
import { EngineError } from '../core/errors.js';
import type { ModelManifest } from './manifest.js';

/** Formats sharp may decode here; SVG, PDF and the rest are refused (costly or able to reference other files). */
export const ACCEPTED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);
/** 25 megapixels (e.g. 5000 x 5000): far above any camera frame a classifier needs, far below a bomb. */
export const DEFAULT_MAX_PIXELS = 25_000_000;

type InputSpec = ModelManifest['input'];

/** Interleaved 8-bit RGB pixels of the resized image, and where they go in the height x width input. */
interface ResizedImage {
  readonly rgb: Uint8Array;
  /** Width of the resized pixels (pad-right may leave the right of the input empty). */
  readonly width: number;
  readonly height: number;
}

function decodeError(message: string): EngineError {
  return new EngineError('invalid_input', `Not a decodable image: ${message}`);
}

/** Reads only the header: format and dimensions, after EXIF orientation. */
async function checkedSize(data: Uint8Array, maxPixels: number): Promise<{ width: number; height: number }> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw decodeError((error as Error).message);
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) {
    throw new EngineError('unsupported_media_type', `Image format ${meta.format ?? 'unknown'} is not accepted; expected one of ${[...ACCEPTED_FORMATS].join(', ')}`);
  }
  if (!meta.width || !meta.height) throw decodeError('no dimensions in its header');
  if (meta.width * meta.height > maxPixels) {
    throw new EngineError('payload_too_large', `Image of ${meta.width} x ${meta.height} pixels is over the limit of ${maxPixels} pixels`);
  }
  const rotated = (meta.orientation ?? 1) >= 5;
  return rotated ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
}

async function resized(data: Uint8Array, spec: InputSpec, maxPixels: number): Promise<ResizedImage> {
  const size = await checkedSize(data, maxPixels);
  // Default failOn 'warning' makes a truncated or corrupt file an error instead of a grey half-image.
  let pipeline = sharp(data, { limitInputPixels: maxPixels }).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
  let width = spec.width;
  const height = spec.height;
  if (spec.resize === 'stretch') {
    pipeline = pipeline.resize(width, height, { fit: 'fill' });
  } else if (spec.resize === 'pad-right') {
    width = Math.max(1, Math.min(spec.width, Math.ceil((spec.height * size.width) / size.height)));
    pipeline = pipeline.resize(width, height, { fit: 'fill' });
  } else {
    // Shorter side to min(h, w) / cropFraction, then the centre h x w (torchvision Resize + CenterCrop).
    const shortSide = Math.min(spec.height, spec.width) / spec.cropFraction;
    const scale = shortSide / Math.min(size.width, size.height);
    const scaledWidth = Math.max(spec.width, Math.round(size.width * scale));
    const scaledHeight = Math.max(spec.height, Math.round(size.height * scale));
    pipeline = pipeline.resize(scaledWidth, scaledHeight, { fit: 'fill' }).extract({
      left: Math.floor((scaledWidth - spec.width) / 2),
      top: Math.floor((scaledHeight - spec.height) / 2),
      width: spec.width,
      height: spec.height,
    });
  }
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    raw = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeError((error as Error).message);
  }
  if (raw.info.channels !== 3 || raw.info.width !== width || raw.info.height !== height) {
    throw new EngineError('internal', `Preprocessing produced ${raw.info.width} x ${raw.info.height} x ${raw.info.channels}, expected ${width} x ${height} x 3`);
  }
  return { rgb: raw.data, width, height };
}

/**
 * Writes image `index` of the batch into `tensor` (shape [N, 3, H, W] or [N, H, W, 3]), normalised as the
 * manifest says. Slots are zero-filled beforehand, which is the padding pad-right needs.
 */
export function writeTensorSlot(tensor: Float32Array, index: number, image: ResizedImage, spec: InputSpec): void {
  const { height: H, width: W, layout, scale, mean, std } = spec;
  const plane = H * W;
  const base = index * 3 * plane;
  const bgr = spec.channelOrder === 'BGR';
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const source = (y * image.width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const pixel = image.rgb[source + (bgr ? 2 - c : c)]!;
        const value = (pixel * scale - mean[c]!) / std[c]!;
        const target = layout === 'NCHW' ? base + c * plane + y * W + x : base + (y * W + x) * 3 + c;
        tensor[target] = value;
      }
    }
  }
}

/** Decodes, checks and resizes one image; throws EngineError (invalid_input, payload_too_large, ...) for a bad one. */
export function preprocessImage(data: Uint8Array, spec: InputSpec, maxPixels = DEFAULT_MAX_PIXELS): Promise<ResizedImage> {
  if (data.byteLength === 0) return Promise.reject(decodeError('empty'));
  return resized(data, spec, maxPixels);
}

export type { ResizedImage };
