/** Turns a run's recorder into the per-policy result row and the series the report plots. */
import type { LaneId } from '../types.js';
import type { SimPolicy } from './policy.js';
import type { Recorder, ReplanEvent, SecondSeries } from './recorder.js';

/** One row of the comparison (camelCase JSON; the CLI table and --json print these). */
export interface PolicyResult {
  readonly policy: string;
  readonly requests: number;
  /** Fraction of all arrived requests answered within the SLO (refused and rejected ones count as misses). */
  readonly sloAttainment: number;
  /** Latency percentiles over the answered requests (ms). */
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  readonly costTotalUsd: number;
  /** Cost per million arrived requests. */
  readonly costPerMillionUsd: number;
  /** Plans installed after the initial one. */
  readonly replans: number;
  /** Fraction of dispatched requests that ran on the edge. */
  readonly edgeShare: number;
  readonly serverlessInvocations: number;
  readonly coldStarts: number;
  /** Requests refused at admission, rejected in the queue (deadline unreachable) or throttled. */
  readonly rejected: number;
  /** Requests hedged onto the other lane, those the hedge answered first, and the hedges' FC cost (USD). */
  readonly hedgesSent: number;
  readonly hedgesWon: number;
  readonly hedgeCostUsd: number;
  /** Per lane: the fraction of the requests it answered that were within the SLO (NaN when it answered none). */
  readonly laneAttainment: Readonly<Record<LaneId, number>>;
}

export interface PolicyRun {
  readonly result: PolicyResult;
  readonly series: SecondSeries;
  readonly replanEvents: readonly ReplanEvent[];
  readonly changepointsMs: readonly number[];
  /** Sorted latencies (ms), evenly thinned to at most options.latencySamples, for the CDF. */
  readonly latencyCdfMs: readonly number[];
  /** The edge's share of the answered requests (result.edgeShare is of those dispatched, hedges aside). */
  readonly answeredEdgeShare: number;
}

/** The latencies recorded (the unanswered requests' NaN left out), in trace order: a plain loop, not a filter callback per request. */
function answeredLatencies(latencyMs: Float64Array): Float64Array {
  let count = 0;
  for (let i = 0; i < latencyMs.length; i += 1) if (!Number.isNaN(latencyMs[i]!)) count += 1;
  const answered = new Float64Array(count);
  let next = 0;
  for (let i = 0; i < latencyMs.length; i += 1) {
    const value = latencyMs[i]!;
    if (!Number.isNaN(value)) answered[next++] = value;
  }
  return answered;
}

/** The q-quantile of sorted values (linear interpolation between closest ranks, as numpy's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export function summarise(
  policy: SimPolicy,
  recorder: Recorder,
  totals: { requests: number; sloMs: number; costTotalUsd: number; coldStarts: number; latencySamples: number },
): PolicyRun {
  const answered = answeredLatencies(recorder.latencyMs).sort();
  const dispatched = recorder.requestsOn.edge + recorder.requestsOn.serverless;
  const result: PolicyResult = {
    policy: policy.name,
    requests: totals.requests,
    sloAttainment: totals.requests > 0 ? recorder.met / totals.requests : 1,
    latencyP50Ms: quantileSorted(answered, 0.5),
    latencyP95Ms: quantileSorted(answered, 0.95),
    latencyP99Ms: quantileSorted(answered, 0.99),
    latencyMaxMs: answered.length > 0 ? answered[answered.length - 1]! : Number.NaN,
    costTotalUsd: totals.costTotalUsd,
    costPerMillionUsd: totals.requests > 0 ? (totals.costTotalUsd / totals.requests) * 1e6 : 0,
    replans: recorder.replans.length,
    edgeShare: dispatched > 0 ? recorder.requestsOn.edge / dispatched : 0,
    serverlessInvocations: recorder.batches.serverless,
    coldStarts: totals.coldStarts,
    rejected: recorder.rejected,
    hedgesSent: recorder.hedges.sent,
    hedgesWon: recorder.hedges.won,
    hedgeCostUsd: recorder.hedges.usd,
    laneAttainment: {
      edge: recorder.metOn.edge / recorder.answeredOn.edge,
      serverless: recorder.metOn.serverless / recorder.answeredOn.serverless,
    },
  };
  const step = Math.max(1, answered.length / totals.latencySamples);
  const latencyCdfMs: number[] = [];
  for (let i = 0; i < answered.length; i += step) latencyCdfMs.push(answered[Math.floor(i)]!);
  if (answered.length > 0 && latencyCdfMs[latencyCdfMs.length - 1] !== answered[answered.length - 1]) latencyCdfMs.push(answered[answered.length - 1]!);
  const answeredOn = recorder.answeredOn.edge + recorder.answeredOn.serverless;
  const answeredEdgeShare = answeredOn > 0 ? recorder.answeredOn.edge / answeredOn : Number.NaN;
  return { result, series: recorder.series, replanEvents: recorder.replans, changepointsMs: policy.changepointsMs ?? [], latencyCdfMs, answeredEdgeShare };
}
