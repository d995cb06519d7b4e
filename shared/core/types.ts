/**
 * The engine's shared vocabulary. Times are milliseconds on an injected clock (wall time in production,
 * virtual time in the simulator); rates are requests per second; bandwidth is Mbit/s; sizes are bytes.
 */

/** The two places a batch can run. */
export type LaneId = 'edge' | 'serverless';
export const LANE_IDS: readonly LaneId[] = ['edge', 'serverless'];

/** Priority classes (as Triton's): `high` is dispatched first within a lane and refused last under overload. */
export type Priority = 'high' | 'low';

/** A request as the queue sees it: no payload, only what the policy decides on. */
export interface QueuedRequest {
  readonly id: string;
  /** When the scheduler accepted it. */
  readonly arrivalMs: number;
  /** When its answer is due: arrival + SLO, or earlier if the client asked. */
  readonly deadlineMs: number;
  readonly priority: Priority;
  /** Payload size, for transfer-time estimates. */
  readonly bytes: number;
}

/** A serverless function configuration: memory (MB, multiple of 64) and vCPU (cpu:GB between 1:1 and 1:4). */
export interface ServerlessConfig {
  readonly memoryMb: number;
  readonly cpu: number;
}

/** What the plan asks of one lane. */
export interface LanePlan {
  /** Largest batch (>= 1). */
  readonly batchSize: number;
  /** Longest wait, measured from the arrival of the batch's first request. */
  readonly timeoutMs: number;
  /** Fraction of admitted traffic routed to this lane; the lanes' shares sum to 1. */
  readonly share: number;
}

/** What the planner expects of a plan. */
export interface PlanPrediction {
  /** Predicted p99 latency of the first-arriving request of a batch, per lane (ms). */
  readonly p99LatencyMs: Readonly<Record<LaneId, number>>;
  /** Expected cost per million requests, USD. */
  readonly costPerMillionUsd: number;
  /** Edge busy fraction (service time / time to gather the next batch). */
  readonly edgeUtilisation: number;
  /**
   * Predicted fraction of requests answered within the SLO's latency, counting everything each sees (queue wait,
   * transfer, service, round trip): at least the plan's sloTarget, unless no plan reaches it (best effort).
   */
  readonly attainment: number;
}

/** Why a plan was made. */
export type PlanReason = 'initial' | 'rate-change' | 'bandwidth-change' | 'periodic' | 'config-change' | 'lane-health' | 'manual';

export interface Plan {
  /** Which policy made it: 'ours', 'seed', 'static', ... */
  readonly policy: string;
  readonly createdAtMs: number;
  readonly reason: PlanReason;
  /** The inputs it was planned for. */
  readonly rateRps: number;
  readonly bandwidthMbps: Readonly<Record<LaneId, number>>;
  readonly sloMs: number;
  /** The SLO's target it was made for: the fraction of requests to answer within sloMs. */
  readonly sloTarget: number;
  readonly lanes: Readonly<Record<LaneId, LanePlan>>;
  readonly serverless: ServerlessConfig;
  /**
   * FC instances of the serverless configuration to keep warm (FC 3.0 minimum instances): they never cold-start
   * and bill their memory while idle. 0: FC scales from zero on demand.
   */
  readonly warmInstances: number;
  readonly predicted: PlanPrediction;
}

/** A linear latency model in batch size b: latency = baseMs + perItemMs * b. */
export interface LinearLatency {
  readonly baseMs: number;
  readonly perItemMs: number;
}

/** A lane's (or a serverless configuration's) fitted batch-latency profile. */
export interface LatencyModel {
  /** Mean latency against batch size. */
  readonly mean: LinearLatency;
  /** 99th-percentile latency against batch size. */
  readonly p99: LinearLatency;
  /** Observed minus mean, relative to the mean (dimensionless), for the simulator's noise. */
  readonly relativeResiduals: readonly number[];
  /** Samples the fit used. */
  readonly samples: number;
  /** Root-mean-square error of the mean fit (ms). */
  readonly rmseMs: number;
}

/** One serverless configuration and how it performs. */
export interface ServerlessOption {
  readonly config: ServerlessConfig;
  readonly latency: LatencyModel;
  /** Extra latency of a call that starts a new instance (ms). */
  readonly coldStartMs: number;
}

/** Everything the planner and simulator know about the lanes' speed. */
export interface ProfileSet {
  readonly edge: LatencyModel;
  readonly serverless: readonly ServerlessOption[];
  /** Where the fits came from (file names or "built-in"). */
  readonly source: string;
}

/** Live knowledge of a lane that the queue policy needs (the scheduler loop or simulator supplies it). */
export interface LaneStatus {
  /** Healthy (circuit closed) and allowed to take traffic. */
  readonly healthy: boolean;
  /** How many more batches it can take right now (edge: free streams; serverless: free concurrency). */
  readonly freeSlots: number;
  /**
   * Expected tail (p99) time from dispatch to answer for a batch of this size on this lane right now: transfer
   * at the current bandwidth, round trip, and service time. `serviceMs(1)` is the best case: a request that
   * cannot make its deadline even so is rejected at once.
   */
  readonly serviceMs: (batchSize: number) => number;
  /**
   * Expected (mean) time from dispatch to answer for a single request: what decides that a deadline can no
   * longer be met. Judging that on the p99 would refuse many requests that would most likely make it (on the
   * Orin's measurements the p99 is nearly twice the mean). Default `serviceMs(1)`.
   */
  readonly expectedServiceMs?: number;
  /**
   * Expected (mean) time from dispatch to answer for a batch of this size. When given, the queue forecasts when
   * a newcomer would be answered behind the lane's backlog and refuses it at once (`overloaded`, HTTP 429) when
   * no lane can answer it before its deadline; see shared/core/queue/backlog-forecast.ts. Without it, only the
   * queue bound and the deadline rules shed load.
   */
  readonly expectedBatchMs?: (batchSize: number) => number;
  /**
   * When the lane has no free slot: the expected time until its first batch in flight is answered and a slot
   * frees (LaneClock.firstAnswerInMs). With it, and expectedBatchMs, the queue can tell that a newcomer would
   * wait too long for this lane even with less than a full batch ahead of it, and place it on another lane.
   */
  readonly slotFreeInMs?: number;
  /**
   * How much later than the estimates above a batch sent now would be answered, behind the lane's batches in
   * flight: its link still carrying earlier ones, its one GPU still serving one (LaneClock.waitMs). The
   * estimates stay those of an idle lane, which is what the forecast's drain rate is anchored on. Default 0.
   */
  readonly waitMs?: number;
  /**
   * For a batch of this size: how long the lane can take it but would only queue it (ms), behind its one GPU
   * serving earlier batches. The queue holds the batch that long and keeps gathering, so it sends one bigger
   * batch just as the lane can start on it. Default 0.
   */
  readonly holdMs?: (batchSize: number) => number;
}
