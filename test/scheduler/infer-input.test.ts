import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInferRequest } from '../../functions/scheduler/infer-input.js';
import { DATA } from '../support/paths.js';

const jpeg = readFileSync(join(DATA, 'seed/images/1.jpg'));
const limits = { maxPixels: 40e6, defaultPriority: 'high' as const };
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('parseInferRequest', () => {
  it('takes a raw image with priority and deadline headers', () => {
    const input = parseInferRequest('image/jpeg', jpeg, { priority: 'low', deadlineMs: '500' }, limits);
    expect(input).toMatchObject({ contentType: 'image/jpeg', priority: 'low', deadlineMs: 500 });
    expect(input.data.byteLength).toBe(jpeg.byteLength);
  });

  it('takes JSON with a base64 image, defaulting to high priority', () => {
    const input = parseInferRequest('application/json; charset=utf-8', json({ image: jpeg.toString('base64') }), {}, limits);
    expect(input.priority).toBe('high');
    expect(Buffer.from(input.data).equals(jpeg)).toBe(true);
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{"image":'), /not valid JSON/],
    ['an array', json([1]), /Expected a JSON object/],
    ['malformed base64', json({ image: 'ab$d' }), /valid base64/],
    ['no image', json({ priority: 'high' }), /image: Expected a base64 string/],
    ['an unknown field', json({ image: jpeg.toString('base64'), colour: 'red' }), /Unknown field\(s\): colour/],
    ['a bad priority', json({ image: jpeg.toString('base64'), priority: 'urgent' }), /priority: Expected "high" or "low", got "urgent"/],
    ['a bad deadline', json({ image: jpeg.toString('base64'), deadlineMs: -5 }), /deadlineMs: Expected a number/],
    ['base64 of text', json({ image: Buffer.from('not an image at all').toString('base64') }), /Not a readable image/],
  ])('refuses %s as invalid input', (_name, body, message) => {
    expect(() => parseInferRequest('application/json', body, {}, limits)).toThrow(message);
    expect(() => parseInferRequest('application/json', body, {}, limits)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('refuses a body without an image content type as an unsupported media type', () => {
    expect(() => parseInferRequest('text/plain', jpeg, {}, limits)).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
    expect(() => parseInferRequest('', jpeg, {}, limits)).toThrow(/got "none"/);
  });
});
