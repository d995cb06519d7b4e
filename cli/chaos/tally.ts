/**
 * Counts what happened to every request of a chaos run: accepted, answered with a result, answered with an
 * error (by code), lost (no answer at all) and answered twice. Pure, over the client's records.
 *
 * "Answered twice" has two witnesses: the same answer id reaching two clients (the engine settled one request
 * into two responses), and the scheduler counting more answers than the clients received.
 */
import type { ReplayRecord } from '../loadgen/replay.js';

export interface ChaosRecord extends ReplayRecord {
  /** The answer's request id (results only). */
  readonly answerId?: string;
}

export interface ChaosTally {
  readonly sent: number;
  /** Refused at the door (429 queue full, 4xx bad input): never admitted. */
  readonly refused: number;
  readonly accepted: number;
  readonly answeredResult: number;
  readonly answeredError: number;
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly refusedByCode: Readonly<Record<string, number>>;
  /** No answer before the client gave up, or the connection died without one. */
  readonly lost: number;
  readonly answeredTwice: number;
  readonly byLane: Readonly<Record<string, number>>;
}

/** Codes the client makes up when no HTTP answer came. */
const NO_ANSWER = new Set(['client_timeout', 'connection_error']);

/** `schedulerAnswers`: the scheduler's edgebatch_requests_total summed over outcomes, when known. */
export function tallyChaos(records: readonly ChaosRecord[], schedulerAnswers?: number): ChaosTally {
  let refused = 0;
  let queueFull = 0;
  let answeredResult = 0;
  let answeredError = 0;
  let lost = 0;
  const errorsByCode: Record<string, number> = {};
  const refusedByCode: Record<string, number> = {};
  const byLane: Record<string, number> = {};
  const seenIds = new Set<string>();
  let duplicateIds = 0;
  for (const record of records) {
    if (record.status === 0 || NO_ANSWER.has(record.errorCode ?? '')) {
      lost += 1;
      continue;
    }
    if (record.status === 429 || (record.status >= 400 && record.status < 500 && record.status !== 408)) {
      refused += 1;
      if (record.status === 429) queueFull += 1;
      const code = record.errorCode ?? `http_${record.status}`;
      refusedByCode[code] = (refusedByCode[code] ?? 0) + 1;
      continue;
    }
    if (record.status === 200) {
      answeredResult += 1;
      byLane[record.placement ?? '?'] = (byLane[record.placement ?? '?'] ?? 0) + 1;
      if (record.answerId !== undefined) {
        if (seenIds.has(record.answerId)) duplicateIds += 1;
        seenIds.add(record.answerId);
      }
      continue;
    }
    answeredError += 1;
    const code = record.errorCode ?? `http_${record.status}`;
    errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
  }
  const accepted = records.length - refused;
  // The scheduler's own count of the outcomes it settled (results, errors, queue-full refusals) beyond what the
  // clients received; a lost request the scheduler answered late is already counted as lost, not twice.
  const clientSeen = answeredResult + answeredError + queueFull + lost;
  const extraServerAnswers = schedulerAnswers === undefined ? 0 : Math.max(0, schedulerAnswers - clientSeen);
  return {
    sent: records.length,
    refused,
    accepted,
    answeredResult,
    answeredError,
    errorsByCode,
    refusedByCode,
    lost,
    answeredTwice: duplicateIds + extraServerAnswers,
    byLane,
  };
}

/** Answers of each lane among results for requests sent in [fromMs, toMs). */
export function laneShareBetween(records: readonly ChaosRecord[], fromMs: number, toMs: number): { edge: number; serverless: number } {
  let edge = 0;
  let serverless = 0;
  for (const record of records) {
    if (record.status !== 200 || record.sentAtMs < fromMs || record.sentAtMs >= toMs) continue;
    if (record.placement === 'edge') edge += 1;
    else if (record.placement === 'serverless') serverless += 1;
  }
  return { edge, serverless };
}
