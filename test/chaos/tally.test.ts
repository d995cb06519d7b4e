/** The chaos tally: each request counted once, lost and answered-twice told apart from honest errors. */
import { describe, expect, it } from 'vitest';
import { laneShareBetween, tallyChaos, type ChaosRecord } from '../../cli/chaos/tally.js';

const result = (sentAtMs: number, answerId: string, placement = 'edge'): ChaosRecord => ({ sentAtMs, latencyMs: 100, status: 200, placement, batchSize: 2, answerId });
const failure = (sentAtMs: number, status: number, errorCode: string): ChaosRecord => ({ sentAtMs, latencyMs: 5, status, errorCode });

describe('tallyChaos', () => {
  const records = [
    result(0, 'a'),
    result(10, 'b', 'serverless'),
    failure(20, 504, 'deadline_exceeded'),
    failure(30, 503, 'no_lane'),
    failure(40, 429, 'queue_full'),
    failure(50, 415, 'unsupported_media_type'),
  ];

  it('counts accepted, results by lane, errors by code and refusals apart', () => {
    const tally = tallyChaos(records, 5);
    expect(tally).toMatchObject({ sent: 6, refused: 2, accepted: 4, answeredResult: 2, answeredError: 2, lost: 0, answeredTwice: 0 });
    expect(tally.byLane).toEqual({ edge: 1, serverless: 1 });
    expect(tally.errorsByCode).toEqual({ deadline_exceeded: 1, no_lane: 1 });
    expect(tally.refusedByCode).toEqual({ queue_full: 1, unsupported_media_type: 1 });
  });

  it('counts a request with no answer as lost', () => {
    const tally = tallyChaos([...records, failure(60, 0, 'client_timeout'), failure(70, 0, 'connection_error')]);
    expect(tally.lost).toBe(2);
    expect(tally.accepted).toBe(6);
  });

  it('counts one answer reaching two clients, and answers the scheduler settled beyond what clients saw, as twice', () => {
    expect(tallyChaos([...records, result(80, 'a')]).answeredTwice).toBe(1);
    // 2 results + 2 errors + 1 queue_full seen by clients; the scheduler counted 7 outcomes.
    expect(tallyChaos(records, 7).answeredTwice).toBe(2);
  });

  it('splits results by lane within a window of sending time', () => {
    expect(laneShareBetween(records, 0, 10)).toEqual({ edge: 1, serverless: 0 });
    expect(laneShareBetween(records, 0, 100)).toEqual({ edge: 1, serverless: 1 });
  });
});
