import { join } from 'node:path';
import { readTextFile } from '../../cli/text-file.js';
import { DATA } from './paths.js';

/** The text of a file under data/ (gunzipped when it is stored gzipped, as the long traces are). */
export const readDataText = (relativePath: string): string => readTextFile(join(DATA, relativePath));
