import { join } from 'node:path';

/** The project root (this file is test/support/paths.ts). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** The repository's own measurements and traces (data/README.md says where each came from). */
export const DATA = join(REPO_ROOT, 'data');
/** @deprecated Use DATA; the folder beside the project that only CI had, kept until its last users move to data/. */
export const SHARED_DATA = join(REPO_ROOT, '..', 'shared', 'data');
