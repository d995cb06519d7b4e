/**
 * The inference function's logic, apart from how it is hosted: a batch body in (shared/protocol/batch.ts),
 * a JSON BatchResponse out. The same function serves FC's built-in runtime (index.ts) and the local HTTP server
 * (local-main.ts).
 *
 * How it signals errors:
 * - A batch that is at fault (malformed, too many items) is answered, not thrown: the result is
 *   `{"error": {"code": "invalid_input", "message": ...}}`. Retrying it anywhere would fail the same way, and a
 *   returned body reaches the invoker intact, whereas FC replaces a thrown error with its own
 *   UnhandledInvocationError wrapper.
 * - Anything else (the model cannot load, onnxruntime fails) is thrown. FC then marks the invocation with
 *   `x-fc-error-type: UnhandledInvocationError`, which the invoker treats as a retryable lane failure.
 * Bad images inside a good batch are neither: they are per-item results with ok: false.
 */
import { performance } from 'node:perf_hooks';
import { EngineError } from '../../shared/core/errors.js';
import { blamesCaller } from '../scheduler/http-errors.js';
import { decodeBatch, type BatchResponse } from '../../shared/protocol/batch.js';
import type { BatchModel } from '../../shared/model/runner.js';

export type ErrorBody = ReturnType<EngineError['toJSON']>;

/** The answer of one invocation, before serialisation. */
export type InvocationResult = { readonly ok: true; readonly response: BatchResponse } | { readonly ok: false; readonly error: EngineError };

/** Runs one batch body; throws only for failures of the function itself (see above). */
export async function runInvocation(body: Uint8Array, model: () => BatchModel, now: () => number = () => performance.now()): Promise<InvocationResult> {
  const receivedAtMs = now();
  let batch;
  try {
    batch = decodeBatch(body);
  } catch (error) {
    if (error instanceof EngineError && blamesCaller(error.code)) return { ok: false, error };
    throw error;
  }
  return { ok: true, response: await model().runBatch(batch, { receivedAtMs }) };
}

export function serialise(result: InvocationResult): Buffer {
  return Buffer.from(JSON.stringify(result.ok ? result.response : result.error.toJSON()));
}
