import { EngineError, expected } from '../errors.js';
import type { PriceTable } from '../pricing/prices.js';
import { DEFAULT_QUEUE_OPTIONS } from '../queue/options.js';
import type { LaneId, PlanReason, ProfileSet } from '../types.js';

/** Limits the planner searches within; every field has a documented default (DEFAULT_BOUNDS). */
export interface PlannerBounds {
  /** Largest batch per lane. Defaults: edge 128, serverless 20 (the prototype's serverless grid tops at 20). */
  readonly maxBatch: Readonly<Record<LaneId, number>>;
  /** Serverless memory sizes the planner may pick (MB); empty = every option in the profile set. */
  readonly memoryMbCandidates: readonly number[];
  /**
   * Batches the scheduler keeps in flight per edge agent (default 4): they cross the link one after another and the
   * agent's GPU serves them one after another, so a batch occupies the edge for the longest of its service, its
   * transfer and its slot time over the slots (edgeBusyMs). Why 4: with 2, a slot sits out its batch's service
   * and round trip while the link idles, so a link-bound edge loses link time it cannot make up; 4 slots keep a
   * batch crossing the link while others are served or on their way back. The agent queues what its GPU has not
   * started (MAX_QUEUED_BATCHES).
   */
  readonly edgeSlots: number;
  /**
   * Highest fraction of a lane's link bandwidth its traffic may use. Default 0.8: transfers share the link, so
   * a link loaded near 1 queues them without bound, however short each one alone would be.
   */
  readonly linkMaxUtilisation: number;
  readonly edgeHealthy: boolean;
  readonly serverlessHealthy: boolean;
  /** Tail quantile the SLO applies to. Default 0.99. */
  readonly tailQuantile: number;
  /** Most concurrent serverless instances (FC's default per-region account limit is 100). */
  readonly maxInstances: number;
  /** How long FC keeps an idle instance warm (s). Default 300: an assumption, FC does not document it. */
  readonly keepAliveS: number;
  /**
   * The scheduler queue's admission bound (requests waiting across both lanes; VirtualQueue's maxQueued). A plan
   * whose waits at the planned rate need more queued requests than this is not a valid plan (queue-need.ts).
   * Default: the queue's own default.
   */
  readonly maxQueued: number;
}

export const DEFAULT_BOUNDS: PlannerBounds = {
  maxBatch: { edge: 128, serverless: 20 },
  memoryMbCandidates: [],
  edgeSlots: 4,
  linkMaxUtilisation: 0.8,
  edgeHealthy: true,
  serverlessHealthy: true,
  tailQuantile: 0.99,
  maxInstances: 100,
  keepAliveS: 300,
  maxQueued: DEFAULT_QUEUE_OPTIONS.maxQueued,
};

export interface PlannerInput {
  /** Mean arrival rate of admitted requests (req/s). */
  readonly rateRps: number;
  /** Per-lane bandwidth from the scheduler to the lane (Mbit/s). */
  readonly bandwidthMbps: Readonly<Record<LaneId, number>>;
  /**
   * Per lane, how its link swings around that estimate: equal-probability points of recent samples relative to
   * their median (control/recent-spread.ts). A lane's attainment is the mean over them, so a link with dead
   * seconds is trusted with what it carries through them. Absent: the link is taken as steady.
   */
  readonly linkSpread?: Readonly<Partial<Record<LaneId, readonly number[]>>>;
  /** Per-lane round trip (ms). */
  readonly rttMs: Readonly<Record<LaneId, number>>;
  /** Bytes per request on the wire (the prototype's JPEG is 24,178 bytes). */
  readonly payloadBytes: number;
  /** The SLO's latency: from a request's arrival at the scheduler to its answer (ms). */
  readonly sloMs: number;
  /** The SLO's target: the fraction of requests to answer within sloMs (DEFAULT_SLO_TARGET, 99.9%). */
  readonly sloTarget: number;
  /**
   * A high quantile of the rate forecast (req/s), from the changepoint posterior: FC's warm instances are sized
   * for it, so that a burst within the segment finds them ready. Default rateRps.
   */
  readonly rateHighRps?: number;
  readonly profiles: ProfileSet;
  readonly prices: PriceTable;
  readonly bounds: PlannerBounds;
  readonly nowMs: number;
  readonly reason: PlanReason;
}

/** The SLO's default target: 99.9% of requests within the latency. */
export const DEFAULT_SLO_TARGET = 0.999;

/** The default payload: the prototype's request image (data/seed/images/1.jpg). */
export const DEFAULT_PAYLOAD_BYTES = 24_178;

/** Checks an input once, with "Expected X, got Y" messages. */
export function validatePlannerInput(input: PlannerInput): void {
  const check = (ok: boolean, what: string, got: unknown) => {
    if (!ok) throw new EngineError('internal', expected(what, got));
  };
  check(input.rateRps >= 0 && Number.isFinite(input.rateRps), 'rateRps, a finite rate >= 0', input.rateRps);
  check(input.sloMs > 0 && Number.isFinite(input.sloMs), 'sloMs > 0', input.sloMs);
  check(input.sloTarget > 0 && input.sloTarget < 1, 'sloTarget, a fraction in (0, 1)', input.sloTarget);
  if (input.rateHighRps !== undefined) check(input.rateHighRps >= 0 && Number.isFinite(input.rateHighRps), 'rateHighRps, a finite rate >= 0', input.rateHighRps);
  check(input.payloadBytes >= 0 && Number.isFinite(input.payloadBytes), 'payloadBytes >= 0', input.payloadBytes);
  for (const lane of ['edge', 'serverless'] as const) {
    check(input.bandwidthMbps[lane] > 0, `bandwidthMbps.${lane} > 0`, input.bandwidthMbps[lane]);
    check(input.rttMs[lane] >= 0 && Number.isFinite(input.rttMs[lane]), `rttMs.${lane} >= 0`, input.rttMs[lane]);
    check(Number.isInteger(input.bounds.maxBatch[lane]) && input.bounds.maxBatch[lane] >= 1, `bounds.maxBatch.${lane}, an integer >= 1`, input.bounds.maxBatch[lane]);
  }
  const b = input.bounds;
  check(Number.isInteger(b.edgeSlots) && b.edgeSlots >= 1, 'bounds.edgeSlots, an integer >= 1', b.edgeSlots);
  check(b.linkMaxUtilisation > 0 && b.linkMaxUtilisation <= 1, 'bounds.linkMaxUtilisation in (0, 1]', b.linkMaxUtilisation);
  check(b.tailQuantile > 0.5 && b.tailQuantile < 1, 'bounds.tailQuantile in (0.5, 1)', b.tailQuantile);
  check(Number.isInteger(b.maxInstances) && b.maxInstances >= 1, 'bounds.maxInstances, an integer >= 1', b.maxInstances);
  check(b.keepAliveS >= 0, 'bounds.keepAliveS >= 0', b.keepAliveS);
  check(Number.isInteger(b.maxQueued) && b.maxQueued >= 1, 'bounds.maxQueued, an integer >= 1', b.maxQueued);
}

/**
 * No plan is predicted to reach the SLO's target at these inputs. `minFeasibleSloMs` is the smallest latency at
 * which one is (by bisection), or Infinity when none is (e.g. both lanes down, or the rate exceeds every lane's
 * capacity); `bestAttainment` is what the best-effort plan is predicted to reach at the asked latency.
 */
export class InfeasibleSloError extends EngineError {
  constructor(
    readonly sloMs: number,
    readonly sloTarget: number,
    readonly minFeasibleSloMs: number,
    readonly bestAttainment: number,
  ) {
    const goal = `${formatPercent(sloTarget)} of requests within ${formatSeconds(sloMs)}`;
    super(
      'infeasible',
      Number.isFinite(minFeasibleSloMs)
        ? `No plan answers ${goal} at this rate and bandwidth (the best reaches ${formatPercent(bestAttainment)}); the smallest latency at which ${formatPercent(sloTarget)} can be reached is ${formatSeconds(minFeasibleSloMs)}.`
        : `No plan answers ${goal} (the best reaches ${formatPercent(bestAttainment)}), at any latency: no healthy lane can carry this rate.`,
    );
  }
}

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function formatSeconds(ms: number): string {
  return `${(Math.ceil(ms) / 1000).toFixed(3)} s`;
}
