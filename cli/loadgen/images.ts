import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { BUNDLED_IMAGES_DIR } from '../bundled-assets.js';
import { InputError } from '../command.js';

export interface RequestImage {
  readonly name: string;
  readonly data: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
}

const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

/** The prototype's request payload: the 24 KB JPEG it sent (data/seed/images/1.jpg). */
export const DEFAULT_IMAGES_DIR = BUNDLED_IMAGES_DIR;

/** Every JPEG, PNG or WebP file in a folder (or one file), sorted by name. */
export function loadImages(path: string = DEFAULT_IMAGES_DIR): RequestImage[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? readdirSync(path).sort().map((name) => join(path, name)) : [path];
  } catch {
    throw new InputError(`--images: cannot read "${path}"`);
  }
  const images = files
    .filter((file) => TYPES[extname(file).toLowerCase()])
    .map((file) => ({ name: file, data: new Uint8Array(readFileSync(file)), contentType: TYPES[extname(file).toLowerCase()]! }));
  if (images.length === 0) throw new InputError(`--images: no .jpg, .jpeg, .png or .webp file in "${path}"`);
  return images;
}
