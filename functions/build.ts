/**
 * `npm run build` (after `tsc --noEmit`): bundles each function into dist/<fn>/ with esbuild, one ESM file
 * each, so `s deploy` uploads a few hundred KB instead of node_modules.
 *
 * Native packages (onnxruntime-node, sharp) stay out of the bundles: the inference function gets them from the
 * onnxruntime layer (/opt/nodejs/node_modules, built by layers/onnxruntime/build.ts). Node's ESM loader ignores
 * NODE_PATH and the layer folder is not an ancestor of /code, so a bare `import 'sharp'` would fail there;
 * the bundle therefore loads them with `require` (which honours NODE_PATH) and falls back to the layer folder
 * by absolute path. The scheduler must need no native package at all: the build fails if it does.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Metafile, Plugin } from 'esbuild';
import { dashboardAssetDefines } from './scheduler/ops/dashboard/bundle-defines.js';

/** Packages with native binaries, provided by the layer at run time. */
export const NATIVE_PACKAGES = ['onnxruntime-node', 'sharp'] as const;
/**
 * Optional speed-ups that `ws` (pulled in by the Aliyun SDK core) requires inside try/catch and does without:
 * left unresolved on purpose, so they are allowed to remain as run-time requires.
 */
export const OPTIONAL_RUNTIME_PACKAGES = ['bufferutil', 'utf-8-validate'] as const;
/** Where FC mounts a layer's Node.js packages. */
export const LAYER_NODE_MODULES = '/opt/nodejs/node_modules';

export interface FunctionBundle {
  /** dist/<name>/ */
  readonly name: string;
  /** Entry point, relative to the repo root. */
  readonly entry: string;
  /** Output file name inside dist/<name>/ (s.yaml refers to it). */
  readonly outfile: string;
  /** Native packages this function may load from the layer. */
  readonly natives: readonly string[];
  /** Build-time constants (esbuild `define`), e.g. files the bundle must carry inline. */
  readonly defines?: () => Record<string, string>;
}

/** The deployables. s.yaml: scheduler `args: [/code/server.mjs]`; inference `handler: index.handler`. */
export const FUNCTION_BUNDLES: readonly FunctionBundle[] = [
  // The dashboard's page, script and uPlot are inlined: the deployed scheduler has neither them nor node_modules.
  { name: 'scheduler', entry: 'functions/scheduler/main.ts', outfile: 'server.mjs', natives: [], defines: dashboardAssetDefines },
  { name: 'inference', entry: 'functions/inference/index.ts', outfile: 'index.mjs', natives: NATIVE_PACKAGES },
];

export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  /** Non-builtin packages the bundle still imports at run time. */
  readonly externalPackages: readonly string[];
}

// ESM output has no `require`; esbuild's CJS interop (and our native loader) need one.
const BANNER = "import { createRequire as __edgebatchCreateRequire } from 'node:module';\nconst require = __edgebatchCreateRequire(import.meta.url);";

/** Replaces `import ... from 'sharp'` with a CommonJS shim that requires it, falling back to the layer. */
function nativeFromLayer(natives: readonly string[]): Plugin {
  const names = new Set<string>(NATIVE_PACKAGES);
  return {
    name: 'native-from-layer',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^(onnxruntime-node|sharp)$/ }, (args) => {
        if (args.namespace === 'native-shim') return { path: args.path, external: true };
        if (!natives.includes(args.path)) {
          return { errors: [{ text: `${args.path} is a native package; this function must not need it (imported by ${args.importer})` }] };
        }
        return { path: args.path, namespace: 'native-shim' };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'native-shim' }, (args) => {
        if (!names.has(args.path)) return undefined;
        const name = JSON.stringify(args.path);
        const fromLayer = JSON.stringify(`${LAYER_NODE_MODULES}/${args.path}`);
        return {
          loader: 'js',
          contents: [
            'let loaded;',
            `try { loaded = require(${name}); }`,
            "catch (error) { if (error.code !== 'MODULE_NOT_FOUND') throw error;",
            `  loaded = require(${fromLayer}); }`,
            'module.exports = loaded;',
          ].join('\n'),
        };
      });
      pluginBuild.onResolve({ filter: /^\/opt\/nodejs\/node_modules\// }, (args) => ({ path: args.path, external: true }));
    },
  };
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** The package name of an import specifier ("@img/x/y" → "@img/x", "sharp/lib" → "sharp"). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function externalPackages(metafile: Metafile): string[] {
  const found = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || BUILTINS.has(imported.path)) continue;
      found.add(imported.path.startsWith(LAYER_NODE_MODULES) ? packageOf(imported.path.slice(LAYER_NODE_MODULES.length + 1)) : packageOf(imported.path));
    }
  }
  return [...found].sort();
}

export async function buildFunction(bundle: FunctionBundle, root: string, outRoot = join(root, 'dist')): Promise<BuiltBundle> {
  const outDir = join(outRoot, bundle.name);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, bundle.outfile);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [resolve(root, bundle.entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: BANNER },
    plugins: [nativeFromLayer(bundle.natives)],
    external: [...OPTIONAL_RUNTIME_PACKAGES],
    define: bundle.defines?.() ?? {},
    // Readable stack traces in FC's logs matter more than a few KB.
    minify: false,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  // FC's nodejs runtime loads index.mjs as ESM by its extension; the package.json says so for any tool.
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ name: `edgebatch-${bundle.name}`, private: true, type: 'module' }, null, 2)}\n`);
  const optional = new Set<string>(OPTIONAL_RUNTIME_PACKAGES);
  const packages = externalPackages(result.metafile).filter((name) => !optional.has(name));
  const stray = packages.filter((name) => !bundle.natives.includes(name));
  if (stray.length > 0) throw new Error(`${bundle.name}: the bundle still imports ${stray.join(', ')} at run time`);
  return { name: bundle.name, file, bytes: statSync(file).size, externalPackages: packages };
}

async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const bundle of FUNCTION_BUNDLES) {
    try {
      statSync(resolve(root, bundle.entry));
    } catch {
      throw new Error(`${bundle.name}: entry ${bundle.entry} does not exist`);
    }
    const built = await buildFunction(bundle, root);
    const natives = built.externalPackages.length > 0 ? `; from the layer: ${built.externalPackages.join(', ')}` : '';
    console.log(`${relative(root, built.file)}  ${(built.bytes / 1024).toFixed(0)} KB${natives}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
