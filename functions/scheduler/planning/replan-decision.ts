/**
 * One re-plan per change across instances. Every instance runs the controller on the same totals (see
 * shared-arrivals.ts), so a changepoint is seen by all of them at about the same interval, and each would
 * re-plan. These rules make that one re-plan:
 *
 * 1. A plan is proposed (compare-and-swap on the version this instance holds) before it is used: of several
 *    instances deciding at once one wins, and the others adopt its plan.
 * 2. An instance may adopt the winner's plan before its own detector has read the intervals that plan was made
 *    on (it reads the totals a little later, or polled the store first). Its rate decisions wait until it has:
 *    a changepoint until it has seen the intervals up to the plan's making, by which time it has seen the same
 *    change; a drift (the estimate off the plan's rate by a quarter) DRIFT_SETTLE_INTERVALS more, since until its
 *    own detector finds the change it compares the old segment's mean with a plan made for the new one.
 * 3. A plan made for a changepoint is not proposed when the plan in force was made for the same kind of change
 *    at least one interval after that changepoint began: it was planned on the new segment already (another
 *    instance's detector found the change, maybe an interval earlier or later than ours).
 *
 * An instance whose proposal lost to a plan that does not answer its reason (another kind of change, or its own
 * lane health, which only it sees) keeps the reason pending and decides again at its next interval.
 */
import type { Plan, PlanReason } from '../../../shared/core/types.js';
import type { ProposalOutcome } from './state-sync.js';
import type { LiveReplanController, ReplanEstimates } from './live-replan-controller.js';

export interface ReplanDecisionContext {
  readonly replanController: LiveReplanController;
  /** The plan in force on this instance. */
  current(): Plan;
  propose(plan: Plan): Promise<ProposalOutcome>;
  readonly intervalMs: number;
  /** The end (ms since epoch) of the last interval whose total the rate detector has seen; undefined: none yet. */
  readonly observedUntilMs: number | undefined;
}

/** Intervals past a plan's making before this instance's drift rule may judge it (rule 2). */
export const DRIFT_SETTLE_INTERVALS = 10;

export type ReplanResult =
  | { readonly kind: 'none' }
  /** Another instance's plan already answers this change, or won the compare-and-swap: it is in force here. */
  | { readonly kind: 'adopted' }
  /** This instance's plan: written to the store ('won'), or used while the store is down ('offline'). */
  | { readonly kind: 'replanned'; readonly plan: Plan; readonly reason: PlanReason; readonly outcome: 'won' | 'offline' };

/** Decides whether to re-plan now (or for `force`), and settles the plan with the other instances. */
export async function decideReplan(context: ReplanDecisionContext, nowMs: number, force?: PlanReason): Promise<ReplanResult> {
  const { replanController } = context;
  const pending = force ? undefined : replanController.pendingReason;
  const changeStartMs = changeStart(pending, replanController.estimates);
  const decision = force ? replanController.replan(force, nowMs) : replanController.decide(nowMs);
  if (!decision) return { kind: 'none' };
  // A drift decision can come while a changepoint waits for more observations: only the same reason counts.
  const trigger = pending === decision.reason ? pending : undefined;
  if ((!force && aheadOfUs(context, decision.reason, trigger)) || answers(context.current(), trigger, changeStartMs, context.intervalMs)) {
    replanController.adoptPlan(context.current());
    return { kind: 'adopted' };
  }
  const outcome = await context.propose(decision.plan);
  if (outcome === 'lost') {
    const inForce = context.current();
    replanController.adoptPlan(inForce);
    if (trigger === 'lane-health' || (trigger && changeStartMs !== undefined && !answers(inForce, trigger, changeStartMs, context.intervalMs))) {
      replanController.markPending(trigger);
    }
    return { kind: 'adopted' };
  }
  return { kind: 'replanned', plan: decision.plan, reason: decision.reason, outcome };
}

/** Whether the plan in force was made on rate data this instance has not seen yet, or only just (rule 2). */
function aheadOfUs(context: ReplanDecisionContext, reason: PlanReason, trigger: PlanReason | undefined): boolean {
  if (reason !== 'rate-change' || context.observedUntilMs === undefined) return false;
  const seenSince = context.observedUntilMs - context.current().createdAtMs;
  return seenSince < (trigger === 'rate-change' ? 0 : DRIFT_SETTLE_INTERVALS * context.intervalMs);
}

/** Whether `plan` was made for the change of kind `trigger` that began at changeStartMs. */
function answers(plan: Plan, trigger: PlanReason | undefined, changeStartMs: number | undefined, intervalMs: number): boolean {
  if ((trigger !== 'rate-change' && trigger !== 'bandwidth-change') || changeStartMs === undefined) return false;
  return plan.reason === trigger && plan.createdAtMs >= changeStartMs + intervalMs;
}

function changeStart(pending: PlanReason | undefined, estimates: ReplanEstimates): number | undefined {
  if (pending === 'rate-change') return estimates.lastChangepointMs.rate;
  if (pending === 'bandwidth-change') return estimates.lastChangepointMs.bandwidth;
  return undefined;
}
