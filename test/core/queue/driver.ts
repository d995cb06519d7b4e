/**
 * Drives a VirtualQueue the way the scheduler loop and the simulator do, on a virtual clock, and checks the
 * policy's rules at every step against the harness's own bookkeeping (not the queue's): what each lane may
 * take, which requests are queued, when each batch was allowed to close. Any broken rule throws.
 */
import { expect } from 'vitest';
import { TIME_EPSILON_MS, VirtualQueue, type QueueDecision } from '../../../shared/core/queue/index.js';
import { LANE_IDS, type LaneId, type LanePlan, type LaneStatus, type Plan, type Priority, type QueuedRequest } from '../../../shared/core/types.js';
import { makePlan } from './fixtures.js';

export interface LaneSpec {
  readonly baseMs: number;
  readonly perItemMs: number;
  /** Concurrent batches it can run. */
  readonly slots: number;
}
export interface Arrival {
  readonly gapMs: number;
  readonly priority: Priority;
  readonly sloMs: number;
}
export interface Scenario {
  readonly maxQueued: number;
  readonly lowPriorityMaxFraction: number;
  readonly lanes: Readonly<Record<LaneId, LaneSpec>>;
  /** The first applies from 0. */
  readonly plans: ReadonlyArray<{ readonly atMs: number; readonly lanes: Readonly<Record<LaneId, LanePlan>> }>;
  readonly healthFlips: ReadonlyArray<{ readonly atMs: number; readonly lane: LaneId }>;
  readonly arrivals: readonly Arrival[];
  /** Lane statuses carry expectedBatchMs (the service line), which turns on admission by forecast. */
  readonly forecast?: boolean;
}

type Fate = 'queued' | 'dispatched' | 'rejected' | 'evicted';

/** A cheap assertion for the hot loop (vitest's expect costs too much per step over thousands of steps). */
function check(condition: boolean, message: string, ...details: unknown[]): asserts condition {
  if (!condition) throw new Error(`${message}${details.length > 0 ? ` ${JSON.stringify(details)}` : ''}`);
}
/** Slack for clock arithmetic when checking "no later than". */
const SLACK = 1e-6;

export interface RunSummary {
  admitted: number;
  refused: number;
  overloaded: number;
  dispatched: number;
  rejected: number;
  evicted: number;
  batches: number;
}

export function runScenario(scenario: Scenario): RunSummary {
  const queue = new VirtualQueue({ maxQueued: scenario.maxQueued, lowPriorityMaxFraction: scenario.lowPriorityMaxFraction });
  const service = (lane: LaneId) => (b: number) => scenario.lanes[lane].baseMs + scenario.lanes[lane].perItemMs * b;
  const healthy: Record<LaneId, boolean> = { edge: true, serverless: true };
  const busy: Record<LaneId, number> = { edge: 0, serverless: 0 };
  const completions: Array<{ atMs: number; lane: LaneId }> = [];
  const fates = new Map<string, Fate>();
  const order = new Map<string, number>(); // admission order, for "newest low"
  const summary: RunSummary = { admitted: 0, refused: 0, overloaded: 0, dispatched: 0, rejected: 0, evicted: 0, batches: 0 };
  const plans = [...scenario.plans].sort((a, b) => a.atMs - b.atMs);
  const flips = [...scenario.healthFlips].sort((a, b) => a.atMs - b.atMs);
  let plan: Plan = makePlan(plans[0]!.lanes);
  let planIndex = 1;
  let flipIndex = 0;
  let arrivalIndex = 0;
  let nextArrivalMs = scenario.arrivals.length > 0 ? scenario.arrivals[0]!.gapMs : Infinity;
  let wakeAtMs = Infinity;

  const forecast = (lane: LaneId) => (scenario.forecast ? { expectedBatchMs: service(lane) } : {});
  const statuses = (): Record<LaneId, LaneStatus> => ({
    edge: { healthy: healthy.edge, freeSlots: scenario.lanes.edge.slots - busy.edge, serviceMs: service('edge'), ...forecast('edge') },
    serverless: {
      healthy: healthy.serverless,
      freeSlots: scenario.lanes.serverless.slots - busy.serverless,
      serviceMs: service('serverless'),
      ...forecast('serverless'),
    },
  });
  // A lane takes traffic when healthy with a share; when no such lane is left, any healthy lane does (failover).
  const planned = () => LANE_IDS.some((lane) => healthy[lane] && plan.lanes[lane].share > 0);
  const eligible = (lane: LaneId) => healthy[lane] && (plan.lanes[lane].share > 0 || !planned());
  const minBest = () => Math.min(...LANE_IDS.filter(eligible).map((lane) => service(lane)(1)));
  const lowsQueued = new Set<string>();
  const queuedLows = () => [...lowsQueued];
  const requests = new Map<string, QueuedRequest>();

  /** Before anything happens at `now`: nothing that was due since the last decision was left waiting. */
  const checkNothingOverdue = (now: number) => {
    const snapshot = queue.snapshot();
    const lanes = statuses();
    for (const lane of LANE_IDS) {
      const view = snapshot.lanes[lane];
      if (!eligible(lane)) {
        check(view.depth === 0, `ineligible ${lane} still holds requests`, now);
        continue;
      }
      if (view.depth === 0) continue;
      check(now <= view.earliestDeadlineMs! - service(lane)(1) + TIME_EPSILON_MS + SLACK, `a request on ${lane} was left unreachable`, now, view);
      if (lanes[lane].freeSlots <= 0) continue;
      check(view.depth < plan.lanes[lane].batchSize, `a full batch waits on ${lane}`, now, view);
      check(now <= view.oldestArrivalMs! + plan.lanes[lane].timeoutMs + SLACK, `timeout overrun on ${lane}`, now, view);
      check(now <= view.earliestDeadlineMs! - service(lane)(view.depth) + SLACK, `deadline close overrun on ${lane}`, now, view);
    }
  };

  const admit = (now: number) => {
    const arrival = scenario.arrivals[arrivalIndex]!;
    const request: QueuedRequest = { id: `r${arrivalIndex}`, arrivalMs: now, deadlineMs: now + arrival.sloMs, priority: arrival.priority, bytes: 1 };
    requests.set(request.id, request);
    const sizeBefore = queue.size;
    const lows = queuedLows();
    const before = queue.snapshot();
    const outcome = queue.admit(request, plan, statuses(), now);
    const anyEligible = LANE_IDS.some(eligible);
    const refusedFor = (reason: string) => outcome.kind === 'refused' && outcome.reason === reason;
    let expectedRefusal: string | undefined;
    if (!anyEligible) expectedRefusal = 'no_lane';
    else if (now + minBest() > request.deadlineMs) expectedRefusal = 'deadline_unreachable';
    else if (request.priority === 'low' && sizeBefore >= Math.ceil(scenario.lowPriorityMaxFraction * scenario.maxQueued)) expectedRefusal = 'queue_full';
    else if (request.priority === 'high' && sizeBefore >= scenario.maxQueued && lows.length === 0) expectedRefusal = 'queue_full';
    if (expectedRefusal !== undefined) check(refusedFor(expectedRefusal), `expected refusal ${expectedRefusal}`, outcome, request);
    if (outcome.kind === 'refused' && outcome.reason === 'overloaded') {
      // Only the forecast refuses so, and only when every lane that could take the request already holds a full
      // batch ahead of it (under light load nothing changes); a retry is worth it some time later.
      check(expectedRefusal === undefined && scenario.forecast === true, 'overloaded refusal out of turn', outcome, request);
      for (const lane of LANE_IDS) {
        if (!eligible(lane) || now + service(lane)(1) > request.deadlineMs) continue;
        const ahead = request.priority === 'high' ? before.lanes[lane].byPriority.high : before.lanes[lane].depth;
        check(ahead >= plan.lanes[lane].batchSize, `overloaded with less than a full batch ahead on ${lane}`, before.lanes[lane], request);
      }
      check(outcome.retryAfterMs >= 1, 'overloaded without a Retry-After', outcome);
      summary.overloaded += 1;
      summary.refused += 1;
    } else if (outcome.kind === 'refused') {
      check(expectedRefusal !== undefined, 'refused without cause', outcome, request, sizeBefore);
      summary.refused += 1;
      check(outcome.retryAfterMs >= 0, 'negative retryAfterMs');
    } else {
      check(eligible(outcome.lane), 'admitted to an ineligible lane');
      check(now + service(outcome.lane)(1) <= request.deadlineMs, 'admitted to a lane too slow for its deadline');
      if (sizeBefore >= scenario.maxQueued) {
        const newest = lows.reduce((a, b) => (newer(b, a) ? b : a));
        check(outcome.evicted.length === 1 && outcome.evicted[0]!.id === newest, 'did not evict the newest low', outcome, newest);
      } else {
        check(outcome.evicted.length === 0, 'evicted below the bound', outcome);
      }
      for (const evicted of outcome.evicted) settle(evicted.id, 'evicted');
      fates.set(request.id, 'queued');
      if (request.priority === 'low') lowsQueued.add(request.id);
      order.set(request.id, arrivalIndex);
      summary.admitted += 1;
    }
    check(queue.size <= scenario.maxQueued, 'queue over its bound');
    arrivalIndex += 1;
    nextArrivalMs = arrivalIndex < scenario.arrivals.length ? now + scenario.arrivals[arrivalIndex]!.gapMs : Infinity;
  };
  const newer = (a: string, b: string) => requests.get(a)!.arrivalMs > requests.get(b)!.arrivalMs || (requests.get(a)!.arrivalMs === requests.get(b)!.arrivalMs && order.get(a)! > order.get(b)!);

  const settle = (id: string, fate: Fate) => {
    check(fates.get(id) === 'queued', `request ${id} left the queue twice or was never admitted`);
    fates.set(id, fate);
    lowsQueued.delete(id);
    summary[fate === 'dispatched' ? 'dispatched' : fate === 'rejected' ? 'rejected' : 'evicted'] += 1;
  };

  /** `depthBefore`: how many requests the lane held when the batch formed (after any moves between lanes). */
  const checkDispatch = (decision: Extract<QueueDecision, { kind: 'dispatch' }>, now: number, depthBefore: number) => {
    const { lane, requests: batch } = decision;
    const rules = plan.lanes[lane];
    check(eligible(lane), `dispatched to ineligible ${lane}`);
    check(statuses()[lane].freeSlots > 0, `dispatched to ${lane} without a free slot`);
    check(batch.length >= 1 && batch.length <= rules.batchSize, 'batch size out of bounds', batch.length, rules);
    for (const request of batch) {
      settle(request.id, 'dispatched');
      check(now <= request.deadlineMs, 'dispatched after its deadline', now, request);
      check(now + service(lane)(1) <= request.deadlineMs, 'dispatched where it cannot make its deadline', now, request);
    }
    // A partial batch holds the lane's whole queue and may close only at its timeout or its deadline limit.
    if (batch.length < rules.batchSize) {
      check(batch.length === depthBefore, 'partial batch left requests behind', batch.length, depthBefore);
      const oldest = Math.min(...batch.map((r) => r.arrivalMs));
      const earliestDue = Math.min(...batch.map((r) => r.deadlineMs));
      const closeAt = Math.min(oldest + rules.timeoutMs, earliestDue - service(lane)(batch.length));
      check(now >= closeAt - TIME_EPSILON_MS - SLACK, 'batch closed before its time', now, closeAt);
    }
    // Priorities: highs before lows, FIFO within a class, and no older/higher request left behind.
    const classes = batch.map((r) => r.priority);
    check(classes.indexOf('low') === -1 || classes.lastIndexOf('high') < classes.indexOf('low'), 'low before high in a batch', classes);
    const left = queue.snapshot().lanes[lane];
    check(!classes.includes('low') || left.byPriority.high === 0, 'low dispatched while a high waits on the lane');
    for (const priority of ['high', 'low'] as const) {
      const arrivals = batch.filter((r) => r.priority === priority).map((r) => r.arrivalMs);
      check(arrivals.every((at, i) => i === 0 || arrivals[i - 1]! <= at), 'not FIFO within a class', arrivals);
      const oldestLeft = left.oldestArrivalByPriority[priority];
      check(arrivals.length === 0 || oldestLeft === null || oldestLeft >= Math.max(...arrivals), 'an older request of the class was left behind');
    }
    busy[lane] += 1;
    completions.push({ atMs: now + service(lane)(batch.length), lane });
    summary.batches += 1;
  };

  const decide = (now: number) => {
    for (let guard = 0; ; guard += 1) {
      check(guard < 10_000, 'next() never settled on wait');
      const decision = queue.next(plan, statuses(), now);
      if (decision.kind === 'wait') {
        check(queue.size > 0 || decision.ms === Infinity, 'empty queue must wait forever');
        check(decision.ms >= TIME_EPSILON_MS - SLACK, 'wait too short to advance a clock', decision.ms);
        wakeAtMs = now + decision.ms;
        return;
      }
      if (decision.kind === 'dispatch') {
        checkDispatch(decision, now, decision.requests.length + queue.depth(decision.lane));
        continue;
      }
      check(decision.requests.length > 0, 'empty rejection');
      for (const request of decision.requests) {
        settle(request.id, 'rejected');
        check(decision.reason !== 'deadline_unreachable' || now + minBest() > request.deadlineMs, 'rejected a reachable request', now, request);
      }
      if (decision.reason === 'no_lane') {
        check(!LANE_IDS.some(eligible), 'no_lane while a lane is eligible');
        check(queue.size === 0, 'no_lane left requests queued');
      }
    }
  };

  for (let step = 0; ; step += 1) {
    check(step < 200_000, 'simulation did not finish');
    const nextCompletion = Math.min(...completions.map((c) => c.atMs));
    const nextPlan = planIndex < plans.length ? plans[planIndex]!.atMs : Infinity;
    const nextFlip = flipIndex < flips.length ? flips[flipIndex]!.atMs : Infinity;
    const now = Math.min(nextArrivalMs, nextCompletion, nextPlan, nextFlip, wakeAtMs);
    if (now === Infinity) break;
    checkNothingOverdue(now);
    for (let i = completions.length - 1; i >= 0; i -= 1) {
      if (completions[i]!.atMs <= now) busy[completions.splice(i, 1)[0]!.lane] -= 1;
    }
    while (planIndex < plans.length && plans[planIndex]!.atMs <= now) plan = makePlan(plans[planIndex++]!.lanes);
    while (flipIndex < flips.length && flips[flipIndex]!.atMs <= now) {
      const lane = flips[flipIndex++]!.lane;
      healthy[lane] = !healthy[lane];
    }
    decide(now); // as on a timer, a freed slot, a plan or health change
    while (nextArrivalMs <= now) {
      admit(now);
      decide(now);
    }
  }

  // Everything admitted ended in exactly one of dispatched / rejected / evicted; nothing is left or lost.
  expect(queue.size).toBe(0);
  expect([...fates.values()].filter((fate) => fate === 'queued')).toEqual([]);
  expect(summary.dispatched + summary.rejected + summary.evicted).toBe(summary.admitted);
  const totals = queue.snapshot().totals;
  expect(totals.admitted).toBe(summary.admitted);
  expect(totals.dispatched).toBe(summary.dispatched);
  expect(totals.batches).toBe(summary.batches);
  return summary;
}
