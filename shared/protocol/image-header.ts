/**
 * Reads an image's format and declared dimensions from its first bytes, without decoding it, so the scheduler
 * can refuse a decompression bomb (huge declared dimensions in a tiny file) or a non-image at the door. The
 * scheduler runs without native modules (sharp lives on the lanes), hence this small reader.
 * Formats: JPEG (SOFn marker), PNG (IHDR), WebP (VP8, VP8L, VP8X), GIF (logical screen).
 */
import { EngineError } from '../core/errors.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

export const IMAGE_CONTENT_TYPES: Readonly<Record<string, ImageFormat>> = {
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

const notImage = (why: string) => new EngineError('invalid_input', `Not a readable image: ${why}`);

function jpegSize(bytes: Uint8Array): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw notImage('JPEG marker expected');
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2; // markers without a length
      continue;
    }
    const length = view.getUint16(offset + 2);
    if (length < 2) throw notImage('JPEG segment length');
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (offset + 9 > bytes.length) break;
      return { format: 'jpeg', height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    }
    if (marker === 0xda || marker === 0xd9) break; // scan data or end before any frame header
    offset += 2 + length;
  }
  throw notImage('JPEG without a frame header (truncated?)');
}

function webpSize(bytes: Uint8Array): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { format: 'webp', width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = view.getUint32(21, true);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
    const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
    return { format: 'webp', width, height };
  }
  throw notImage('WebP header truncated or unknown');
}

/** The format and declared size, or a 400 EngineError saying why the bytes are not an image we take. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length < 16) throw notImage(`${bytes.length} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: ImageHeader;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) header = jpegSize(bytes);
  else if (view.getUint32(0) === 0x89504e47 && bytes.length >= 24) {
    header = { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  } else if (String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') {
    header = webpSize(bytes);
  } else if (String.fromCharCode(...bytes.subarray(0, 4)) === 'GIF8') {
    header = { format: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  } else throw notImage('unknown signature (JPEG, PNG, WebP or GIF expected)');
  if (header.width === 0 || header.height === 0) throw notImage(`declared size ${header.width}x${header.height}`);
  return header;
}

/** Checks an image against the scheduler's limits: declared type, real type, and pixel count. */
export function checkImage(bytes: Uint8Array, contentType: string, maxPixels: number): ImageHeader {
  const declared = IMAGE_CONTENT_TYPES[contentType.toLowerCase()];
  if (!declared) {
    throw new EngineError('unsupported_media_type', `Expected an image content type (${Object.keys(IMAGE_CONTENT_TYPES).join(', ')}), got "${contentType}"`);
  }
  const header = readImageHeader(bytes);
  if (header.format !== declared) {
    throw new EngineError('unsupported_media_type', `Content type says ${declared}, the bytes are ${header.format}`);
  }
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new EngineError('payload_too_large', `Image of ${header.width}x${header.height} = ${pixels} pixels exceeds the limit of ${maxPixels}`);
  }
  return header;
}
