import { join } from 'node:path';

/** The project root (this file is test/support/paths.ts). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** The repository's own measurements and traces (data/README.md says where each came from). */
export const DATA = join(REPO_ROOT, 'data');
