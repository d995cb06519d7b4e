/** The end-of-run summary of a replay: SLO attainment, latency percentiles, placement split. */
import { quantileSorted } from '../../shared/core/stats/quantile-sorted.js';
import type { ReplayRecord } from './replay.js';

export interface ReplaySummary {
  readonly requests: number;
  readonly answered: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Fraction of all requests answered with a result within the SLO (errors count as misses). */
  readonly sloAttainment: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  readonly edgeShare: number;
  readonly meanBatchSize: Readonly<Record<string, number>>;
}

export function summarise(records: readonly ReplayRecord[], sloMs: number): ReplaySummary {
  const answered = records.filter((record) => record.status === 200);
  const latencies = answered.map((record) => record.latencyMs).sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const record of records) if (record.errorCode) errors[record.errorCode] = (errors[record.errorCode] ?? 0) + 1;
  const byLane: Record<string, { count: number; batchSum: number }> = {};
  for (const record of answered) {
    const lane = (byLane[record.placement ?? '?'] ??= { count: 0, batchSum: 0 });
    lane.count += 1;
    lane.batchSum += record.batchSize ?? 0;
  }
  const pick = (q: number) => (latencies.length > 0 ? quantileSorted(latencies, q) : NaN);
  return {
    requests: records.length,
    answered: answered.length,
    errors,
    sloAttainment: records.length > 0 ? answered.filter((record) => record.latencyMs <= sloMs).length / records.length : NaN,
    latencyP50Ms: pick(0.5),
    latencyP99Ms: pick(0.99),
    latencyMaxMs: latencies.at(-1) ?? NaN,
    edgeShare: answered.length > 0 ? (byLane.edge?.count ?? 0) / answered.length : NaN,
    meanBatchSize: Object.fromEntries(Object.entries(byLane).map(([lane, { count, batchSum }]) => [lane, batchSum / count])),
  };
}
