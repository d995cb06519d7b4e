import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInferRequest } from '../../functions/scheduler/infer-input.js';
import { InferJsonRequestSchema } from '../../shared/protocol/http-schemas.js';
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
    ['an array', json([1]), /^\(root\): Expected an object, got an array/],
    ['malformed base64', json({ image: 'ab$d' }), /^image: Expected a string matching/],
    ['no image', json({ priority: 'high' }), /^image: Expected a string, got nothing/],
    ['an unknown field', json({ image: jpeg.toString('base64'), colour: 'red' }), /^colour: Expected no such key/],
    ['a bad priority', json({ image: jpeg.toString('base64'), priority: 'urgent' }), /^priority: Expected one of "high", "low", got "urgent"/],
    ['a bad deadline', json({ image: jpeg.toString('base64'), deadlineMs: -5 }), /^deadlineMs: Expected a number > 0, got -5/],
    ['a fractional deadline', json({ image: jpeg.toString('base64'), deadlineMs: 2.5 }), /^deadlineMs: Expected an integer/],
    ['a type that is not an image', json({ image: jpeg.toString('base64'), contentType: 'text/plain' }), /^contentType: Expected one of "image\/jpeg"/],
    ['base64 of text', json({ image: Buffer.from('not an image at all').toString('base64') }), /Not a readable image/],
  ])('refuses %s as invalid input', (_name, body, message) => {
    expect(() => parseInferRequest('application/json', body, {}, limits)).toThrow(message);
    expect(() => parseInferRequest('application/json', body, {}, limits)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it("checks a raw body's headers with the JSON body's field schemas", () => {
    expect(() => parseInferRequest('image/jpeg', jpeg, { priority: 'urgent' }, limits)).toThrow('x-priority: Expected one of "high", "low", got "urgent"');
    expect(() => parseInferRequest('image/jpeg', jpeg, { deadlineMs: 'soon' }, limits)).toThrow('x-deadline-ms: Expected a number, got "soon"');
    expect(() => parseInferRequest('image/jpeg', jpeg, { deadlineMs: '0' }, limits)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(parseInferRequest('image/jpeg', jpeg, { deadlineMs: '' }, limits).deadlineMs).toBeUndefined();
  });

  it('accepts exactly the JSON bodies the OpenAPI schema describes', () => {
    const image = jpeg.toString('base64');
    for (const body of [{ image }, { image, contentType: 'image/jpeg', deadlineMs: 800, priority: 'low' }]) {
      expect(InferJsonRequestSchema.safeParse(body).success).toBe(true);
      expect(() => parseInferRequest('application/json', json(body), {}, limits)).not.toThrow();
    }
    for (const body of [{ image, extra: 1 }, { image, priority: 'urgent' }, { image, deadlineMs: 0 }, { image: 'a' }]) {
      expect(InferJsonRequestSchema.safeParse(body).success).toBe(false);
      expect(() => parseInferRequest('application/json', json(body), {}, limits)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
  });

  it('refuses a body without an image content type as an unsupported media type', () => {
    expect(() => parseInferRequest('text/plain', jpeg, {}, limits)).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
    expect(() => parseInferRequest('', jpeg, {}, limits)).toThrow(/got "none"/);
  });
});
