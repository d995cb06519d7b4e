/**
 * The payloads and answer handles of requests that were admitted and not yet answered. The queue policy sees only
 * QueuedRequest records; the bytes wait here. Resolving or rejecting removes the entry, so a request can be answered only once.
 *
 * Each entry also counts its copies in flight: a batch and, when it runs late, its hedge on the other lane. A
 * copy that fails while another is still out leaves the request to that one.
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
  copiesInFlight: number;
}

export class PendingRequests {
  private readonly byId = new Map<string, PendingRequest>();

  add(request: QueuedRequest, data: Uint8Array, contentType: string): Promise<InferAnswer> {
    return new Promise((resolve, reject) => {
      this.byId.set(request.id, { request, data, contentType, resolve, reject, copiesInFlight: 0 });
    });
  }

  get(id: string): PendingRequest | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** A copy of the request was sent to a lane. */
  copySent(id: string): void {
    const entry = this.byId.get(id);
    if (entry) entry.copiesInFlight += 1;
  }

  /** A copy came back (answered or failed): how many are still out, or undefined when it was already answered. */
  copyReturned(id: string): number | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    entry.copiesInFlight = Math.max(0, entry.copiesInFlight - 1);
    return entry.copiesInFlight;
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
