/**
 * Hedged dispatch: a batch sent to one lane goes to the other lane too when it is still unanswered at the last
 * instant the other lane can answer it in time. A link that dips in mid-transfer, or a slow or cold FC call, then
 * costs one more call instead of a missed deadline; a batch answered on time costs nothing more. The first
 * answer wins: each request is answered once, and the loser's answer is dropped.
 */
import type { LaneId, LaneStatus, QueuedRequest } from '../types.js';

/**
 * How a hedge onto `other` is cut: FC scales out, so each request goes as its own call (the shortest tail); the
 * edge serves one batch at a time, so the batch goes whole.
 */
export function hedgeChunkSize(otherLane: LaneId, size: number): number {
  return otherLane === 'serverless' ? 1 : size;
}

/**
 * When to hedge `requests`, just sent to one lane, onto `other`: the earliest deadline among them less the other
 * lane's tail time for a hedge chunk, behind what it has in flight. Undefined when the other lane cannot take it
 * (unhealthy) or that instant has already passed (hedging could not help).
 */
export function hedgeAtMs(requests: readonly QueuedRequest[], otherLane: LaneId, other: LaneStatus, nowMs: number): number | undefined {
  if (!other.healthy || requests.length === 0) return undefined;
  let deadline = Infinity;
  for (const request of requests) deadline = Math.min(deadline, request.deadlineMs);
  const at = deadline - other.serviceMs(hedgeChunkSize(otherLane, requests.length)) - (other.waitMs ?? 0);
  return at > nowMs ? at : undefined;
}
