/** Shape checks for what callers hand the queue: a bad request or clock value is a clear error, not a crash. */
import { EngineError, expected } from '../errors.js';
import type { QueuedRequest } from '../types.js';

export function checkRequest(request: QueuedRequest): void {
  if (typeof request !== 'object' || request === null) throw new EngineError('internal', expected('a queued request', request));
  if (typeof request.id !== 'string' || request.id === '') {
    throw new EngineError('internal', expected('request.id to be a non-empty string', request.id));
  }
  if (typeof request.arrivalMs !== 'number' || !Number.isFinite(request.arrivalMs)) {
    throw new EngineError('internal', expected(`request ${request.id} arrivalMs to be a finite number`, request.arrivalMs));
  }
  if (typeof request.deadlineMs !== 'number' || !Number.isFinite(request.deadlineMs)) {
    throw new EngineError('internal', expected(`request ${request.id} deadlineMs to be a finite number`, request.deadlineMs));
  }
  if (request.priority !== 'high' && request.priority !== 'low') {
    throw new EngineError('internal', expected(`request ${request.id} priority to be "high" or "low"`, request.priority));
  }
}

export function checkNow(nowMs: number): void {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new EngineError('internal', expected('nowMs to be a finite number', nowMs));
}
