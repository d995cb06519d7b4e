/**
 * One re-plan per change across instances, in process and step by step: three controllers fed the same totals
 * (as shared-arrivals.ts gives them), settling plans through one memory store, in the orders the scheduler
 * processes can take: in step, one adopting the winner's plan before its own detector reaches the change, one
 * lagging without having seen the winner's plan.
 */
import { describe, expect, it } from 'vitest';
import { LiveReplanController } from '../../../functions/scheduler/planning/live-replan-controller.js';
import { decideReplan, type ReplanResult } from '../../../functions/scheduler/planning/replan-decision.js';
import { StateSync } from '../../../functions/scheduler/planning/state-sync.js';
import { MemoryStateStore, createMemoryBacking, type MemoryStateBacking } from '../../../functions/scheduler/store/memory-store.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import type { Plan } from '../../../shared/core/types.js';
import { SchedulerConfigSchema } from '../../../shared/protocol/config.js';

const INTERVAL_MS = 250;
const T0 = 1_700_000_000_000;
// A thin edge link makes the plan's split depend on the rate, so that a doubling calls for a new plan.
const config = SchedulerConfigSchema.parse({
  server: { host: '127.0.0.1' },
  lanes: { edge: { initialBandwidthMbps: 2 } },
  planner: { countIntervalMs: INTERVAL_MS, minReplanIntervalMs: 0 },
});

interface Instance {
  readonly replanController: LiveReplanController;
  readonly sync: StateSync;
  readonly context: { plan: Plan };
  readonly replans: ReplanResult[];
  /** Feeds interval i's total and decides, as the scheduler does a grace period after the interval. */
  step(interval: number, total: number): Promise<void>;
}

function instance(backing: MemoryStateBacking, now: () => number): Instance {
  // The plan this instance holds in force (the scheduler's live state, reduced to what the test reads).
  const context = { plan: undefined as unknown as Plan };
  const replanController = new LiveReplanController(() => ({ config, profiles: DEFAULT_PROFILES }));
  const sync = new StateSync(new MemoryStateStore(backing), now, {
    adopt: (state) => {
      if (state.key !== 'plan') return;
      context.plan = state.value as Plan;
      replanController.adoptPlan(context.plan);
    },
    storeError: (error) => {
      throw error;
    },
  });
  const replans: ReplanResult[] = [];
  return {
    replanController,
    sync,
    context,
    replans,
    async step(interval, total) {
      const endMs = T0 + (interval + 1) * INTERVAL_MS;
      replanController.observeArrivals(total, INTERVAL_MS, endMs);
      const result = await decideReplan(
        { replanController, current: () => context.plan, propose: (plan) => sync.propose(plan), intervalMs: INTERVAL_MS, observedUntilMs: endMs },
        now(),
        undefined,
      );
      if (result.kind === 'replanned') {
        context.plan = result.plan;
        replans.push(result);
      }
    },
  };
}

/** Totals of a load at 20 req/s that doubles at interval 80. */
const total = (interval: number) => (interval < 80 ? 5 : 10);

async function threeInstances() {
  const backing = createMemoryBacking();
  let nowMs = T0;
  const now = () => nowMs;
  const instances = [instance(backing, now), instance(backing, now), instance(backing, now)];
  // One initial plan, the one the others load at start-up.
  const [first] = instances;
  first!.context.plan = first!.replanController.replan('initial', nowMs).plan;
  await first!.sync.save('plan', first!.context.plan);
  for (const other of instances.slice(1)) {
    const loaded = await other.sync.load(['plan']);
    other.context.plan = loaded.plan as Plan;
    other.replanController.adoptPlan(other.context.plan);
  }
  const at = (interval: number) => {
    nowMs = T0 + (interval + 1) * INTERVAL_MS + 300;
  };
  return { backing, instances, at };
}

/** All instances read the true totals together, interval by interval, up to (not including) `end`. */
async function allStepUntil(end: number, instances: readonly Instance[], at: (interval: number) => void): Promise<void> {
  for (let interval = 0; interval < end; interval++) {
    at(interval);
    for (const one of instances) await one.step(interval, total(interval));
  }
}

const rateReplans = (instances: Instance[]) => instances.flatMap((one) => one.replans).filter((result) => result.kind === 'replanned' && result.reason === 'rate-change');

describe('one re-plan per change across instances', () => {
  it('in step: of three instances deciding on the same interval, one writes the plan and the others adopt it', async () => {
    const { backing, instances, at } = await threeInstances();
    for (let interval = 0; interval < 40; interval++) {
      at(interval);
      for (const one of instances) await one.step(interval, 0);
    }
    const versionBefore = backing.get('plan')!.version;
    for (let interval = 40; interval < 140; interval++) {
      at(interval);
      for (const one of instances) await one.step(interval, total(interval));
    }
    // Two changes (the load starting, then doubling): two plans, each written by one instance.
    expect(rateReplans(instances)).toHaveLength(2);
    expect(backing.get('plan')!.version - versionBefore).toBe(2);
    const stored = JSON.parse(backing.get('plan')!.value) as Plan;
    for (const one of instances) expect(one.context.plan).toEqual(stored);
    expect(stored.rateRps).toBeGreaterThan(35);
  });

  it('an instance that adopted the plan for a change before its own detector reached it does not plan it again', async () => {
    const { backing, instances, at } = await threeInstances();
    const [a, b, c] = instances as [Instance, Instance, Instance];
    await allStepUntil(80, instances, at);
    const versionBefore = backing.get('plan')!.version;
    const planned: number[] = [];
    // A and B run ahead through the doubling; C polls the store (adopting their plan) before it reads the totals.
    for (let interval = 80; interval < 100; interval++) {
      at(interval);
      await a.step(interval, total(interval));
      await b.step(interval, total(interval));
      if (backing.get('plan')!.version > versionBefore && planned.length === 0) planned.push(interval);
    }
    await c.sync.poll();
    expect(c.context.plan).toEqual(JSON.parse(backing.get('plan')!.value));
    for (let interval = 80; interval < 100; interval++) await c.step(interval, total(interval));
    expect(rateReplans([a, b, c]).filter((result) => result.kind === 'replanned' && result.plan.rateRps > 30)).toHaveLength(1);
    expect(c.replans.filter((result) => result.kind === 'replanned' && result.plan.rateRps > 30)).toEqual([]);
    expect(backing.get('plan')!.version - versionBefore).toBe(1);
  });

  it('a lagging instance that has not seen the plan loses the compare-and-swap and adopts it', async () => {
    const { backing, instances, at } = await threeInstances();
    const [a, b, c] = instances as [Instance, Instance, Instance];
    await allStepUntil(80, instances, at);
    const versionBefore = backing.get('plan')!.version;
    for (let interval = 80; interval < 100; interval++) {
      at(interval);
      await a.step(interval, total(interval));
      await b.step(interval, total(interval));
      // C reads each total two intervals late.
      if (interval >= 82) await c.step(interval - 2, total(interval - 2));
    }
    expect(c.replans).toEqual([]);
    expect(c.context.plan).toEqual(JSON.parse(backing.get('plan')!.value));
    expect(backing.get('plan')!.version - versionBefore).toBe(1);
  });
});
