/**
 * Reads a text file that may be gzipped: long traces ship compressed (data/**.gz) and are passed around by path
 * like any other input, so every reader gunzips by content rather than making callers pick a function.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Gzip's magic number; UTF-8 text cannot start with these bytes (0x8b is never a first byte). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** The UTF-8 text of `path`, gunzipped first when the file is gzip (whatever its name). */
export function readTextFile(path: string): string {
  const bytes = readFileSync(path);
  return (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
}
