import { describe, expect, it } from 'vitest';
import { parseManifest, type ManifestInput } from '../../shared/model/manifest.js';
import { DEFAULT_MANIFEST } from '../../shared/model/default-manifest.js';
import { openSession } from '../../shared/model/session.js';

const manifest = (overrides: Partial<ManifestInput>) => parseManifest({ ...DEFAULT_MANIFEST, ...overrides }, import.meta.dirname, 'test.json');

function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: { info: (message: string) => lines.push(`info ${message}`), warn: (message: string) => lines.push(`warn ${message}`) } };
}

describe('openSession', () => {
  it('falls back from a provider this machine lacks (CUDA here) to the CPU, and logs why', async () => {
    const { lines, logger } = recordingLogger();
    const opened = await openSession(manifest({ executionProviders: ['cuda'] }), logger);
    expect(opened.provider).toBe('cpu');
    expect(lines[0]).toMatch(/^warn Execution provider cuda is not available \(.+\); falling back$/);
    expect(lines[1]).toMatch(/^info Model ppocr-mobile-v2.0-cls loaded from .*ch_ppocr_mobile_v2.0_cls_infer.onnx on cpu$/);
  });

  it('refuses a manifest whose input or output name the model does not have', async () => {
    const { logger } = recordingLogger();
    await expect(openSession(manifest({ input: { ...DEFAULT_MANIFEST.input, name: 'images' } }), logger)).rejects.toThrow(
      'Model manifest test.json: input.name: Expected one of x, got "images"',
    );
    await expect(openSession(manifest({ output: { ...DEFAULT_MANIFEST.output, name: 'logits' } }), logger)).rejects.toThrow(
      'Model manifest test.json: output.name: Expected one of softmax_0.tmp_0, got "logits"',
    );
  });
});
