/**
 * Finds references in a tracked file to paths outside the repository: a clone has only what git tracks, so a
 * test, bench, help text or doc that reads or names a folder beside the checkout works on one machine only.
 */
import { dirname, posix } from 'node:path';

export interface OutsideReference {
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

/**
 * A chain of `../` and the path after it, not inside a longer path (`a/../b`, `.../x`) and not part of a URL.
 * The first name may not start with `..` (that is one more step up, seen whole by the path-call check); the
 * path stops at characters that cannot be in the file names this repository uses.
 */
const RELATIVE_PATH = /(?<![\w./:-])((?:\.\.\/)+)((?:[\w@*-]|\.[\w@*-])[\w@.*-]*(?:\/[\w@.*-]+)*\/?)/g;
/** `join(` or `resolve(`, a base, then string segments: `join(import.meta.dirname, '..', 'x')`. */
const PATH_CALL = /\b(?:join|resolve)\(\s*([\w.]+(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?)((?:\s*,\s*'[^']*')+)/g;
/** Bases that stand for the directory of the file itself. */
const FILE_DIR_BASE = /^(?:import\.meta\.dirname|__dirname|dirname\(fileURLToPath\(import\.meta\.url\)\))$/;
/** Bases that stand for the repository root, by the names this repository gives it. */
const ROOT_BASE = /^(?:REPO_ROOT|ROOT|root)$/;
/** Home and workspace folders of one machine; a path into them exists on that machine only. */
const MACHINE_PATH = /(?<![\w.:/-])(?:\/(?:work|home|Users|root|mnt)\/[\w.-]|[A-Za-z]:\\\\?Users\\)/g;

/**
 * The references in `text` (the content of `file`, a repository-relative POSIX path) that leave the repository.
 * `trackedDirs` holds every directory that has a tracked file ('' is the root): a relative path that stays
 * inside but whose folder is not one of them names something the clone does not have.
 */
export function outsideReferences(file: string, text: string, trackedDirs: ReadonlySet<string>): OutsideReference[] {
  const found: OutsideReference[] = [];
  const fileDir = dirname(file) === '.' ? '' : dirname(file);
  text.split('\n').forEach((lineText, index) => {
    const report = (why: string) => found.push({ line: index + 1, text: lineText.trim().slice(0, 160), why });

    for (const match of lineText.matchAll(RELATIVE_PATH)) {
      const target = posix.normalize(posix.join(fileDir, match[1]! + match[2]!));
      if (target === '..' || target.startsWith('../')) report(`"${match[0]}" leaves the repository (from ${fileDir || 'the root'})`);
      else if (!trackedDirs.has(parentOf(target))) report(`"${match[0]}" names ${target}, which is not in the repository`);
    }

    for (const match of lineText.matchAll(PATH_CALL)) {
      const base = match[1]!;
      const start = FILE_DIR_BASE.test(base) ? fileDir : ROOT_BASE.test(base) ? '' : undefined;
      if (start === undefined) continue;
      const segments = [...match[2]!.matchAll(/'([^']*)'/g)].map((segment) => segment[1]!);
      if (leavesRoot(start, segments)) report(`${match[0]} climbs above the repository root`);
    }

    for (const match of lineText.matchAll(MACHINE_PATH)) report(`"${match[0]}" is a path on one machine`);
  });
  return found;
}

/** Whether walking `segments` from `start` (repository-relative) ever goes above the root. */
function leavesRoot(start: string, segments: readonly string[]): boolean {
  let depth = start === '' ? 0 : start.split('/').length;
  for (const segment of segments.flatMap((s) => s.split('/'))) {
    if (segment === '..') depth -= 1;
    else if (segment !== '.' && segment !== '') depth += 1;
    if (depth < 0) return true;
  }
  return false;
}

function parentOf(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 ? '' : trimmed.slice(0, slash);
}

/** Every directory holding a tracked file, the root included as ''. */
export function directoriesOf(files: readonly string[]): Set<string> {
  const dirs = new Set<string>(['']);
  for (const file of files) {
    for (let dir = parentOf(file); dir !== ''; dir = parentOf(dir)) {
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  return dirs;
}
