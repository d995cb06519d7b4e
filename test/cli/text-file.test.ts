import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../cli/command.js';
import { readText } from '../../cli/input-files.js';
import { isGzip, readTextFile } from '../../cli/text-file.js';

const folder = mkdtempSync(join(tmpdir(), 'text-file-'));
const write = (name: string, bytes: string | Uint8Array) => {
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return path;
};
const TEXT = '0.25\n0.5\nü\n';

describe('readTextFile', () => {
  it('reads plain UTF-8 text as it is', () => {
    expect(readTextFile(write('plain.txt', TEXT))).toBe(TEXT);
  });

  it('gunzips a .gz file', () => {
    expect(readTextFile(write('trace.gz', gzipSync(TEXT)))).toBe(TEXT);
  });

  it('gunzips by content, so a gzipped file under a plain name reads the same', () => {
    expect(readTextFile(write('trace-without-suffix', gzipSync(TEXT)))).toBe(TEXT);
  });

  it('tells gzip from text by the magic bytes only', () => {
    expect(isGzip(gzipSync(''))).toBe(true);
    expect(isGzip(new TextEncoder().encode(TEXT))).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });
});

describe('readText', () => {
  it('turns a corrupt gzip file into an InputError naming it', () => {
    const path = write('broken.gz', gzipSync(TEXT).subarray(0, 12));
    expect(() => readText(path, 'arrival trace')).toThrow(InputError);
    expect(() => readText(path, 'arrival trace')).toThrow(/cannot read arrival trace ".*broken\.gz"/);
  });

  it('turns a missing file into an InputError with its code', () => {
    expect(() => readText(join(folder, 'absent.txt'), 'bandwidth trace')).toThrow(/ENOENT/);
  });
});
