import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RequestVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER, assertUsableSecret, signRequest } from '../../shared/protocol/auth.js';

const SECRET = 'a-long-enough-secret-value';
const body = new TextEncoder().encode('{"x":1}');

function request(headers: Record<string, string>, overrides: Partial<{ method: string; path: string; body: Uint8Array }> = {}) {
  return { method: 'POST', path: '/v1/telemetry', body, timestamp: headers[TIMESTAMP_HEADER], signature: headers[SIGNATURE_HEADER], ...overrides };
}

describe('request signing', () => {
  it('signs as documented: HMAC-SHA256 over timestamp, method, path and body', () => {
    const headers = signRequest(SECRET, 'post', '/v1/telemetry', body, 1_700_000_000_000);
    const expected = createHmac('sha256', SECRET).update('1700000000000\nPOST\n/v1/telemetry\n{"x":1}').digest('hex');
    expect(headers[SIGNATURE_HEADER]).toBe(`v1=${expected}`);
  });

  it('accepts a fresh signature once and refuses its replay', () => {
    const verifier = new RequestVerifier(SECRET);
    const headers = signRequest(SECRET, 'POST', '/v1/telemetry', body, 1_000_000);
    verifier.verify(request(headers), 1_000_500);
    expect(() => verifier.verify(request(headers), 1_000_600)).toThrow(/Replayed/);
  });

  it.each([
    ['no headers', {}, {}, /Missing/],
    ['an old timestamp', signRequest(SECRET, 'POST', '/v1/telemetry', body, 0), {}, /outside the 300 s window/],
    ['another secret', signRequest('another-secret-value-xx', 'POST', '/v1/telemetry', body, 1_000_000), {}, /does not match/],
    ['a changed body', signRequest(SECRET, 'POST', '/v1/telemetry', body, 1_000_000), { body: new Uint8Array([1]) }, /does not match/],
    ['another path', signRequest(SECRET, 'POST', '/v1/telemetry', body, 1_000_000), { path: '/v1/config' }, /does not match/],
    ['a malformed signature', { [TIMESTAMP_HEADER]: '1000000', [SIGNATURE_HEADER]: 'v1=xyz' }, {}, /Malformed/],
  ])('refuses %s as unauthorized, with no secret in the message', (_name, headers, overrides, message) => {
    const verifier = new RequestVerifier(SECRET);
    let caught: unknown;
    try {
      verifier.verify(request(headers as Record<string, string>, overrides), 1_000_000);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(message) });
    expect(String((caught as Error).message)).not.toContain(SECRET);
  });

  it('refuses short secrets at start-up', () => {
    expect(() => assertUsableSecret('short', 'EDGE_SECRET')).toThrow(/at least 16 characters, got 5 characters/);
    expect(() => assertUsableSecret(undefined, 'EDGE_SECRET')).toThrow(/got none/);
  });
});
