/**
 * What one decision knows about the lanes: which may take requests (healthy and share > 0, or, when no such lane
 * is left, any healthy lane), their best-case
 * service time, and the plan's rules for them. Built once per call from the plan and the lane statuses, both
 * checked for shape so a bad caller gets a clear error instead of a silent wrong decision.
 */
import { EngineError, expected } from '../errors.js';
import { LANE_IDS, type LaneId, type LanePlan, type LaneStatus, type Plan } from '../types.js';

export interface LaneView {
  /** Healthy and given a share of traffic. */
  readonly eligible: Record<LaneId, boolean>;
  /** expectedServiceMs (default serviceMs(1)) of eligible lanes (Infinity for the others): the deadline rule's yardstick. */
  readonly bestServiceMs: Record<LaneId, number>;
  /** Smallest bestServiceMs over eligible lanes: the best any request can still hope for. */
  minBestServiceMs: number;
  anyEligible: boolean;
  /** Shares, for the lane picker. */
  readonly shares: Record<LaneId, number>;
}

const checkedPlans = new WeakSet<Plan>();

/** Throws EngineError('internal') unless every lane of the plan has a usable batch size, timeout and share. */
export function checkPlan(plan: Plan): void {
  if (checkedPlans.has(plan)) return;
  if (typeof plan !== 'object' || plan === null || typeof plan.lanes !== 'object' || plan.lanes === null) {
    throw new EngineError('internal', expected('a plan with lanes', plan));
  }
  for (const lane of LANE_IDS) {
    const rules: LanePlan | undefined = plan.lanes[lane];
    if (typeof rules !== 'object' || rules === null) throw new EngineError('internal', expected(`plan.lanes.${lane}`, rules));
    if (!Number.isSafeInteger(rules.batchSize) || rules.batchSize < 1) {
      throw new EngineError('internal', expected(`plan.lanes.${lane}.batchSize to be an integer >= 1`, rules.batchSize));
    }
    if (typeof rules.timeoutMs !== 'number' || !Number.isFinite(rules.timeoutMs) || rules.timeoutMs < 0) {
      throw new EngineError('internal', expected(`plan.lanes.${lane}.timeoutMs to be a finite number >= 0`, rules.timeoutMs));
    }
    if (typeof rules.share !== 'number' || !(rules.share >= 0 && rules.share <= 1)) {
      throw new EngineError('internal', expected(`plan.lanes.${lane}.share to be a number from 0 to 1`, rules.share));
    }
  }
  checkedPlans.add(plan);
}

/** A lane's service time for a batch, checked: a NaN or negative estimate would silently break every rule. */
export function serviceTimeMs(lane: LaneId, status: LaneStatus, batchSize: number): number {
  const ms = status.serviceMs(batchSize);
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new EngineError('internal', expected(`lanes.${lane}.serviceMs(${batchSize}) to be a number >= 0`, ms));
  }
  return ms;
}

/** How much later than its estimates a batch sent to the lane now is answered (LaneStatus.waitMs). */
export const sendWaitMs = (status: LaneStatus): number => status.waitMs ?? 0;

export function checkLaneStatus(lane: LaneId, status: LaneStatus | undefined): LaneStatus {
  if (
    typeof status !== 'object' ||
    status === null ||
    typeof status.healthy !== 'boolean' ||
    typeof status.freeSlots !== 'number' ||
    Number.isNaN(status.freeSlots) ||
    typeof status.serviceMs !== 'function' ||
    (status.expectedBatchMs !== undefined && typeof status.expectedBatchMs !== 'function')
  ) {
    throw new EngineError('internal', expected(`lanes.${lane} to be { healthy, freeSlots, serviceMs }`, status));
  }
  for (const field of ['waitMs', 'slotFreeInMs'] as const) {
    const value = status[field];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) throw new EngineError('internal', expected(`lanes.${lane}.${field} to be a number >= 0`, value));
  }
  return status;
}

/** Fills `view` (reused between calls to spare the allocation) for this plan and these statuses. */
export function viewLanes(view: LaneView, plan: Plan, lanes: Readonly<Record<LaneId, LaneStatus>>): LaneView {
  checkPlan(plan);
  if (typeof lanes !== 'object' || lanes === null) throw new EngineError('internal', expected('lane statuses', lanes));
  view.minBestServiceMs = Infinity;
  view.anyEligible = false;
  // Plain loops, no arrays or closures: this runs for every admission and every decision.
  let planned = false;
  for (const lane of LANE_IDS) {
    const status = checkLaneStatus(lane, lanes[lane]);
    if (status.healthy && plan.lanes[lane].share > 0) planned = true;
  }
  // Failover: when every lane the plan gives traffic to is down, the healthy ones share it equally until the
  // planner catches up, rather than every request being refused in the meantime.
  for (const lane of LANE_IDS) {
    const status = lanes[lane];
    const share = planned ? plan.lanes[lane].share : status.healthy ? 1 : 0;
    const eligible = status.healthy && share > 0;
    view.eligible[lane] = eligible;
    view.shares[lane] = share;
    if (eligible) {
      const best = (status.expectedServiceMs ?? serviceTimeMs(lane, status, 1)) + sendWaitMs(status);
      view.bestServiceMs[lane] = best;
      if (best < view.minBestServiceMs) view.minBestServiceMs = best;
      view.anyEligible = true;
    } else {
      view.bestServiceMs[lane] = Infinity;
    }
  }
  return view;
}

export function emptyLaneView(): LaneView {
  return {
    eligible: { edge: false, serverless: false },
    bestServiceMs: { edge: Infinity, serverless: Infinity },
    minBestServiceMs: Infinity,
    anyEligible: false,
    shares: { edge: 0, serverless: 0 },
  };
}
