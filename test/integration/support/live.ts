/** Helpers for the integration suites: real HTTP clients for a running scheduler (no fakes). */
import type { Plan } from '../../../shared/core/types.js';
import { signRequest } from '../../../shared/protocol/auth.js';
import type { InferAnswer } from '../../../functions/scheduler/engine/answer.js';

export interface InferReply {
  readonly status: number;
  readonly answer?: InferAnswer;
  readonly error?: { code: string; message: string };
}

/** POSTs one raw image to /v1/infer and parses the answer (or the error body). */
export async function infer(baseUrl: string, image: Uint8Array<ArrayBuffer>, contentType: string): Promise<InferReply> {
  const response = await fetch(new URL('/v1/infer', baseUrl), {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: image,
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as InferAnswer & { error?: { code: string; message: string } };
  return response.ok ? { status: response.status, answer: body } : { status: response.status, ...(body.error ? { error: body.error } : {}) };
}

export interface PlanView {
  readonly plan: Plan;
  readonly version: number;
}

export async function getPlan(baseUrl: string): Promise<PlanView> {
  const response = await fetch(new URL('/v1/plan', baseUrl));
  if (!response.ok) throw new Error(`GET /v1/plan answered ${response.status}`);
  return (await response.json()) as PlanView;
}

export async function getJson<T>(baseUrl: string, path: string): Promise<T> {
  const response = await fetch(new URL(path, baseUrl));
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** A signed `PUT /v1/config`, as an operator's tool sends it. */
export async function putConfig(baseUrl: string, secret: string, patch: unknown): Promise<{ status: number; body: unknown }> {
  const body = new TextEncoder().encode(JSON.stringify(patch));
  const response = await fetch(new URL('/v1/config', baseUrl), {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...signRequest(secret, 'PUT', '/v1/config', body, Date.now()) },
    body,
  });
  return { status: response.status, body: await response.json() };
}

/** Polls `check` until it returns a value (not undefined) or the time runs out; the last error is reported. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
