/** Unpacks a zip with yauzl (test helper): returns the entries in archive order. */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

export interface UnzippedEntry {
  readonly name: string;
  readonly size: number;
  readonly mtime: Date;
  readonly mode: number;
}

export async function unzip(zipFile: string, into: string): Promise<UnzippedEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((done, fail) =>
    yauzl.open(zipFile, { lazyEntries: true, autoClose: true }, (err, opened) => (err ? fail(err) : done(opened))),
  );
  const entries: UnzippedEntry[] = [];
  await new Promise<void>((done, fail) => {
    zip.on('error', fail);
    zip.on('end', () => done());
    zip.on('entry', (entry: yauzl.Entry) => {
      const target = resolve(into, entry.fileName);
      if (!target.startsWith(resolve(into))) return fail(new Error(`zip entry escapes the folder: ${entry.fileName}`));
      entries.push({ name: entry.fileName, size: entry.uncompressedSize, mtime: entry.getLastModDate(), mode: (entry.externalFileAttributes >>> 16) & 0o777 });
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      mkdirSync(dirname(target), { recursive: true });
      zip.openReadStream(entry, (err, stream) => {
        if (err) return fail(err);
        pipeline(stream, createWriteStream(target, { mode: 0o755 })).then(() => zip.readEntry(), fail);
      });
    });
    zip.readEntry();
  });
  return entries;
}

