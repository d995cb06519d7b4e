import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/core/errors.js';
import { encodeBatch, type BatchResponse, type DecodedBatch } from '../../shared/protocol/batch.js';
import { getModelRunner, type BatchModel } from '../../shared/model/runner.js';
import { handler } from '../../functions/inference/index.js';
import { runInvocation } from '../../functions/inference/handler.js';
import { item, rotated180, seedJpeg, textHelloJpeg, withStableErrors } from '../model/support.js';
import { DATA } from '../support/paths.js';

describe('inference function handler (FC built-in nodejs20 shape)', () => {
  const items = [item('up', textHelloJpeg()), item('photo', seedJpeg()), item('broken', Buffer.from('GIF89a junk'), 'image/gif')];
  let downsideUp: Buffer;
  beforeAll(async () => {
    downsideUp = await rotated180(textHelloJpeg());
    await getModelRunner().load();
  });

  it('answers a batch body with the JSON BatchResponse, equal to running the model directly', async () => {
    const all = [...items, item('down', downsideUp, 'image/png')];
    const out = await handler(Buffer.from(encodeBatch('batch-7', 123, all)), { requestId: 'r1' });
    expect(Buffer.isBuffer(out)).toBe(true);
    const response = JSON.parse(out.toString('utf8')) as BatchResponse;
    const direct = await getModelRunner().runBatch({ batchId: 'batch-7', sentAtMs: 123, items: all });
    expect(response.batchId).toBe('batch-7');
    expect(response.model).toBe('ppocr-mobile-v2.0-cls');
    expect(withStableErrors(response.results)).toEqual(withStableErrors(direct.results));
    expect(response.results.map((result) => (result.ok ? result.labels[0]!.label : result.error.code))).toEqual(['0', expect.any(String), 'invalid_input', '180']);
    expect(response.timings.totalMs).toBeGreaterThanOrEqual(response.timings.inferMs);
  });

  it('returns (does not throw) an error body for a malformed batch', async () => {
    const out = await handler(Buffer.from('EBB1 but not really'), {});
    expect(JSON.parse(out.toString('utf8'))).toEqual({ error: { code: 'invalid_input', message: expect.stringMatching(/^Malformed batch: header length \d+ does not fit/) } });
    const empty = await handler(Buffer.alloc(0), {});
    expect(JSON.parse(empty.toString('utf8')).error.message).toBe('Malformed batch: body of 0 bytes is shorter than the 8-byte prefix');
  });

  it('refuses an HTTP-trigger event (the function is meant to have no HTTP trigger) with an error body', async () => {
    const event = readFileSync(join(DATA, 'aliyun', 'http-trigger-event-builtin-runtime.example.json'));
    const out = JSON.parse((await handler(event, {})).toString('utf8')) as { error: { code: string; message: string } };
    expect(out.error).toEqual({ code: 'invalid_input', message: 'Malformed batch: it does not start with "EBB1"' });
  });

  it('throws when the model itself fails, so FC reports UnhandledInvocationError', async () => {
    const broken: BatchModel = {
      name: 'broken',
      loaded: false,
      load: async () => {},
      runBatch: async (_batch: DecodedBatch) => {
        throw new EngineError('internal', 'Model broken could not be loaded');
      },
    };
    await expect(runInvocation(encodeBatch('b', 0, items), () => broken)).rejects.toThrow('Model broken could not be loaded');
  });
});
