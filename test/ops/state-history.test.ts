import { describe, expect, it } from 'vitest';
import { StateHistoryBuffer, type HistorySample } from '../../functions/scheduler/ops/state-history.js';
import { StateHistorySchema } from '../../shared/protocol/http-schemas.js';
import { readDataText } from '../support/data.js';

/** Real per-second arrival counts (Twitter, May 25): `second,0,1,count`. */
function perSecondCounts(limit: number): number[] {
  return readDataText('traces/arrivals/twitter-may25/per-second-23h.csv.gz')
    .split('\n', limit)
    .map((line) => Number(line.split(',')[3]));
}

const sample = (tMs: number, rateRps: number): HistorySample => ({
  tMs,
  rateRps,
  bandwidthMbps: { edge: 30, serverless: null },
  queueDepth: 0,
  edgeShare: 1,
  latencyMs: { edge: { p50: 300, p99: 600 }, serverless: { p50: null, p99: null } },
});

describe('StateHistoryBuffer', () => {
  it('keeps the last `capacity` samples, column-wise, in order', () => {
    const counts = perSecondCounts(200);
    const buffer = new StateHistoryBuffer(120);
    counts.forEach((count, second) => buffer.push(sample(second * 1000, count)));
    const history = buffer.history();
    expect(StateHistorySchema.parse(history)).toEqual(history);
    expect(history.tMs).toHaveLength(120);
    expect(history.tMs[0]).toBe(80_000);
    expect(history.rateRps).toEqual(counts.slice(80));
    expect(history.bandwidthMbps.serverless.every((v) => v === null)).toBe(true);
    expect(history.latencyMs.edge.p99).toHaveLength(120);
  });

  it('drops events older than the oldest sample and bounds them', () => {
    const buffer = new StateHistoryBuffer(3);
    buffer.addChangepoint(500, 'rate', 0.9);
    buffer.addReplan(500, 'rate-change');
    buffer.addChangepoint(2500, 'bandwidth');
    for (const t of [0, 1000, 2000, 3000]) buffer.push(sample(t, 1));
    expect(buffer.events()).toEqual({ changepoints: [{ atMs: 2500, kind: 'bandwidth' }], replans: [] });
    expect(() => new StateHistoryBuffer(0)).toThrowError('capacity: Expected an integer >= 1, got 0');
  });
});
