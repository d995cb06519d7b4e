/**
 * `npm run build`'s bundler: each function becomes one ESM file that imports nothing at run time but Node
 * built-ins and, for the inference function only, the native packages the layer provides. The scheduler
 * bundle starts on its own, outside the repo, without node_modules.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunction, FUNCTION_BUNDLES, NATIVE_PACKAGES } from '../../functions/build.js';
import type { FunctionBundle } from '../../functions/build.js';
import { REPO_ROOT } from '../support/paths.js';

let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'edgebatch-build-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const bundle = (name: string): FunctionBundle => FUNCTION_BUNDLES.find((entry) => entry.name === name)!;

describe('function bundles', () => {
  it('bundles the inference function with only onnxruntime-node and sharp left to the layer', async () => {
    const built = await buildFunction(bundle('inference'), REPO_ROOT, out);
    expect(built.file).toBe(join(out, 'inference', 'index.mjs'));
    expect(built.externalPackages).toEqual([...NATIVE_PACKAGES].sort());
    expect(JSON.parse(readFileSync(join(out, 'inference', 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
    const code = readFileSync(built.file, 'utf8');
    // Natives are required (NODE_PATH-aware), with the layer folder as the fallback; never ESM-imported.
    expect(code).toContain('__require("onnxruntime-node")');
    expect(code).toContain('__require("/opt/nodejs/node_modules/sharp")');
    expect(code).not.toMatch(/^import .* from ["'](onnxruntime-node|sharp)["']/m);
    expect(built.bytes).toBeLessThan(5 * 1024 * 1024);
  });

  it('fails the build when a function that must not need native packages imports one', async () => {
    const entry = join(out, 'bad-entry.ts');
    writeFileSync(entry, "import sharp from 'sharp';\nexport const x = sharp;\n");
    await expect(buildFunction({ name: 'bad', entry, outfile: 'server.mjs', natives: [] }, REPO_ROOT, out)).rejects.toThrow(/sharp is a native package; this function must not need it/);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('scheduler bundle', () => {
  it('needs no native package and serves /healthz when started alone, outside the repo', async () => {
    const built = await buildFunction(bundle('scheduler'), REPO_ROOT, out);
    expect(built.file).toBe(join(out, 'scheduler', 'server.mjs'));
    expect(built.externalPackages).toEqual([]);
    const port = await freePort();
    const child = spawn(process.execPath, [built.file], {
      cwd: join(out, 'scheduler'),
      env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', STORE: 'memory', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      let status = 0;
      for (let attempt = 0; attempt < 200 && status !== 200; attempt++) {
        if (child.exitCode !== null) throw new Error(`scheduler exited with ${child.exitCode}: ${output}`);
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(200);
      // The dashboard's files are inlined at build time (there is no source tree beside the bundle).
      const dashboard = await fetch(`http://127.0.0.1:${port}/dashboard`);
      expect(dashboard.status).toBe(200);
      expect(dashboard.headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      child.kill();
    }
  });
});
