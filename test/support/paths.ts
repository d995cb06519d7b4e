import { join } from 'node:path';

/** The project root (this file is test/support/paths.ts). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** The read-only data folder beside the project (`../shared/data`), as in CI. */
export const SHARED_DATA = join(REPO_ROOT, '..', 'shared', 'data');
