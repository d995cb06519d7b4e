/**
 * Hedged dispatch: a batch sent to one lane goes to the other lane too when it is still unanswered at the last
 * instant the other lane can answer it in time and its own lane is predicted to answer it late. A link that dips in mid-transfer, or a slow or cold FC call, then
 * costs one more call instead of a missed deadline; a batch answered on time costs nothing more. The first
 * answer wins: each request is answered once, and the loser's answer is dropped.
 */
import { latencyAt } from '../planner/lane-model.js';
import type { LaneId, LaneStatus, LatencyModel, QueuedRequest } from '../types.js';

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

/**
 * Whether a batch still out at its hedge instant is predicted to miss its earliest deadline: the answer its
 * lane's clock expects, plus its lane's tail spread at its size (`tailSpreadMs`), falls after the deadline; or it
 * is already later than that tail (a stalled link or a cold call: nothing then says when it will be answered). A
 * batch predicted on time is not hedged: its copy would cost a call and almost never answer first.
 */
export function predictedLate(expectedAnswerAtMs: number, tailSpreadMs: number, deadlineMs: number, nowMs: number): boolean {
  const tailAnswerAtMs = expectedAnswerAtMs + tailSpreadMs;
  return tailAnswerAtMs > deadlineMs || nowMs > tailAnswerAtMs;
}

/** How much later than its mean a batch of `size` is answered at the tail: the p99 line less the mean line. */
export function tailSpreadMs(model: LatencyModel, size: number): number {
  return Math.max(0, latencyAt(model.p99, size) - latencyAt(model.mean, size));
}
