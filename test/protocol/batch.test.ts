import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, parseBatchResponse } from '../../shared/protocol/batch.js';

const item = (id: string, bytes: number[]) => ({ id, contentType: 'image/jpeg', data: Uint8Array.from(bytes) });

describe('batch wire format', () => {
  it('round-trips any items byte for byte', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 8, maxLength: 8 }),
        fc.double({ min: 0, max: 1e13, noNaN: true }),
        (ids, datas, sentAtMs) => {
          const items = ids.map((id, i) => ({ id, contentType: 'image/png', data: datas[i]! }));
          const decoded = decodeBatch(encodeBatch('batch-1', sentAtMs, items));
          expect(decoded.batchId).toBe('batch-1');
          expect(decoded.sentAtMs).toBe(sentAtMs);
          expect(decoded.items.map((x) => [x.id, x.contentType, [...x.data]])).toEqual(items.map((x) => [x.id, x.contentType, [...x.data]]));
        },
      ),
    );
  });

  it('carries binary data without base64 inflation', () => {
    const data = new Uint8Array(10_000).fill(0xff);
    const encoded = encodeBatch('b', 0, [{ id: 'x', contentType: 'image/jpeg', data }]);
    expect(encoded.byteLength).toBeLessThan(10_000 + 200);
  });

  const good = encodeBatch('b', 1, [item('a', [1, 2, 3]), item('b', [4])]);
  it.each([
    ['an empty body', new Uint8Array(), /shorter than the 8-byte prefix/],
    ['a wrong magic', Uint8Array.from([...good].map((x, i) => (i === 0 ? 0 : x))), /does not start with "EBB1"/],
    ['a truncated body', good.subarray(0, good.byteLength - 1), /announces .* bytes in all/],
    ['extra bytes', Uint8Array.from([...good, 0]), /announces .* bytes in all/],
    ['a header length past the end', Uint8Array.from([0x45, 0x42, 0x42, 0x31, 0xff, 0xff, 0xff, 0xff]), /does not fit/],
  ])('refuses %s as invalid input naming the defect', (_name, body, message) => {
    expect(() => decodeBatch(body)).toThrow(message);
    expect(() => decodeBatch(body)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('refuses duplicate item ids', () => {
    expect(() => decodeBatch(encodeBatch('b', 1, [item('a', [1]), item('a', [2])]))).toThrow(/appears twice/);
  });

  it('never throws anything but invalid input on random mutations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.byteLength - 1 }), fc.integer({ min: 0, max: 255 }), (index, value) => {
        const mutated = Uint8Array.from(good);
        mutated[index] = value;
        try {
          decodeBatch(mutated);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_input' });
        }
      }),
    );
  });

  it('checks a response against the ids sent', () => {
    const response = { batchId: 'b', model: 'm', results: [{ id: 'a', ok: true, labels: [] }], timings: { preprocessMs: 0, inferMs: 1, totalMs: 2 } };
    expect(parseBatchResponse(response, ['a']).results).toHaveLength(1);
    expect(() => parseBatchResponse(response, ['z'])).toThrow(/is for "a", expected "z"/);
    expect(() => parseBatchResponse({ ...response, timings: undefined }, ['a'])).toThrow(/timings missing/);
  });
});
