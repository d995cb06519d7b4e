/**
 * The payloads and answer handles of requests that were admitted and not yet answered. The queue policy sees only
 * QueuedRequest records; the bytes wait here. `settle` removes the entry, so a request can be answered only once.
 */
import type { EngineError } from '../../../shared/core/errors.js';
import type { QueuedRequest } from '../../../shared/core/types.js';
import type { InferAnswer } from './answer.js';

interface PendingRequest {
  readonly request: QueuedRequest;
  readonly data: Uint8Array;
  readonly contentType: string;
  readonly resolve: (answer: InferAnswer) => void;
  readonly reject: (error: EngineError) => void;
}

export class PendingRequests {
  private readonly byId = new Map<string, PendingRequest>();

  add(request: QueuedRequest, data: Uint8Array, contentType: string): Promise<InferAnswer> {
    return new Promise((resolve, reject) => {
      this.byId.set(request.id, { request, data, contentType, resolve, reject });
    });
  }

  get(id: string): PendingRequest | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  resolve(id: string, answer: InferAnswer): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.byId.delete(id);
    entry.resolve(answer);
    return true;
  }

  reject(id: string, error: EngineError): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.byId.delete(id);
    entry.reject(error);
    return true;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}
