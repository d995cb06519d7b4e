/**
 * Scale-out: three scheduler PROCESSES (functions/scheduler/main.ts, as FC would run three instances) share one
 * Tablestore table, reached through the real `tablestore` SDK and the adapter, served by the wire-level
 * stand-in. They must agree on the plan through compare-and-swap, with no lost update: a plan one instance makes
 * is adopted by the others, and two instances re-planning at once do not overwrite each other blindly (one
 * wins, the other adopts its plan). Each publishes its arrivals per counting interval and runs its rate detector
 * on the total over all three: with the load spread over them, each reports the whole rate, not its third, and
 * a doubling of the total is re-planned for once, not once per instance.
 * Lanes are instant loopback stand-ins: the subject is state sharing, not inference.
 */
import { BUNDLED_IMAGE } from '../../cli/bundled-assets.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type ManagedProcess } from '../../cli/stack/child-process.js';
import { freePort } from '../../cli/stack/free-port.js';
import { createTablestoreClient } from '../../functions/scheduler/store/tablestore-client.js';
import { TablestoreStateStore } from '../../functions/scheduler/store/tablestore-store.js';
import { startTablestoreStandin, type TablestoreStandin } from '../../functions/scheduler/store/tablestore-standin/server.js';
import type { Plan } from '../../shared/core/types.js';
import { REPO_ROOT } from '../support/paths.js';
import { eventually, getJson, getPlan, infer, putConfig, type PlanView } from './support/live.js';
import { startInstantLane, type InstantLane } from './support/instant-lane.js';
import { startPacedLoad } from './support/paced-load.js';

const INSTANCE = 'scaleout';
const SCOPE = 'scale-out-test';
const SECRET = 'scale-out-config-secret-0123';
const CREDENTIALS = { accessKeyId: 'fake-access-key-id', accessKeySecret: 'fake-access-key-secret' };
/** Short counting intervals so that polling the store (every 5 intervals) happens about every second. */
const COUNT_INTERVAL_MS = 250;
/** Generous for loopback: an instance's count published later than this after its interval is left out. */
const COUNT_GRACE_MS = 500;
const CONVERGE_MS = 30_000;
/**
 * The total rate before the doubling. The edge link is assumed thin (EDGE_BANDWIDTH_MBPS) so that the plan's
 * split between the lanes depends on the rate: a doubling then calls for a different plan.
 */
const BASE_RPS = 20;

interface SchedulerProcess {
  readonly url: string;
  readonly process: ManagedProcess;
}

async function startScheduler(standin: TablestoreStandin, lane: InstantLane): Promise<SchedulerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = await startProcess({
    name: `scheduler-${port}`,
    script: join(REPO_ROOT, 'functions/scheduler/main.ts'),
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      EDGE_URLS: lane.url,
      INFERENCE_URL: lane.url,
      CONFIG_SECRET: SECRET,
      STORE: 'tablestore',
      TABLESTORE_ENDPOINT: standin.endpoint,
      TABLESTORE_INSTANCE: INSTANCE,
      STATE_SCOPE: SCOPE,
      ALIBABA_CLOUD_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret,
      COUNT_INTERVAL_MS: String(COUNT_INTERVAL_MS),
      COUNT_GRACE_MS: String(COUNT_GRACE_MS),
      EDGE_BANDWIDTH_MBPS: '2',
      MIN_REPLAN_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    },
    healthUrl: `${url}/healthz`,
  });
  return { url, process };
}

/** Every instance's plan view, once all show the same version and plan; otherwise undefined. */
async function agreedPlan(schedulers: readonly SchedulerProcess[], accept: (view: PlanView) => boolean): Promise<PlanView | undefined> {
  const views = await Promise.all(schedulers.map((scheduler) => getPlan(scheduler.url)));
  const [first] = views;
  if (!first || !accept(first)) return undefined;
  const same = views.every((view) => view.version === first.version && JSON.stringify(view.plan) === JSON.stringify(first.plan));
  return same ? first : undefined;
}

interface StateView {
  readonly estimates: { readonly rateRps: number };
  readonly replans: readonly { readonly atMs: number; readonly reason: string }[];
}

describe('three scheduler processes sharing one Tablestore table', () => {
  let standin: TablestoreStandin;
  let lane: InstantLane;
  let store: TablestoreStateStore;
  let schedulers: SchedulerProcess[] = [];

  beforeAll(async () => {
    standin = await startTablestoreStandin({ instanceName: INSTANCE });
    lane = await startInstantLane();
    store = new TablestoreStateStore({
      client: createTablestoreClient({ endpoint: standin.endpoint, instanceName: INSTANCE, ...CREDENTIALS }),
      scope: SCOPE,
    });
    // Started together, as FC scales out: each may write an initial plan at once; compare-and-swap lets one win.
    schedulers = await Promise.all([0, 1, 2].map(() => startScheduler(standin, lane)));
  });

  afterAll(async () => {
    await Promise.all(schedulers.map((scheduler) => scheduler.process.stop()));
    await lane?.close();
    await standin?.close();
  });

  it('agree on one plan after starting together, the one the store holds', async () => {
    const agreed = await eventually(() => agreedPlan(schedulers, (view) => view.version > 0), CONVERGE_MS, 'the three instances to agree on a plan');
    const stored = await store.get('plan');
    expect(stored?.version).toBe(agreed.version);
    expect(JSON.parse(stored!.value) as Plan).toEqual(agreed.plan);
  });

  it('adopt a plan that one instance makes', async () => {
    const before = await getPlan(schedulers[0]!.url);
    const changed = await putConfig(schedulers[0]!.url, SECRET, { slo: { latencyMs: 3000 } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const agreed = await eventually(() => agreedPlan(schedulers, (view) => view.plan.sloMs === 3000), CONVERGE_MS, 'the others to adopt the new plan');
    expect(agreed.version).toBeGreaterThan(before.version);
    expect(agreed.plan.reason).toBe('config-change');
    expect((await store.get('plan'))?.version).toBe(agreed.version);
  });

  it('do not overwrite each other blindly when two re-plan at once', async () => {
    const before = await store.get('plan');
    const [second, third] = [schedulers[1]!, schedulers[2]!];
    const results = await Promise.all([
      putConfig(second.url, SECRET, { slo: { latencyMs: 1500 } }),
      putConfig(third.url, SECRET, { slo: { latencyMs: 2500 } }),
    ]);
    for (const result of results) expect(result.status, JSON.stringify(result.body)).toBe(200);
    // Both re-planned locally; through the store all three end on one of the two plans, at one version.
    const agreed = await eventually(
      () => agreedPlan(schedulers, (view) => view.version > before!.version && [1500, 2500].includes(view.plan.sloMs)),
      CONVERGE_MS,
      'the three instances to settle on one of the two concurrent plans',
    );
    const stored = await store.get('plan');
    expect(stored?.version).toBe(agreed.version);
    expect(JSON.parse(stored!.value) as Plan).toEqual(agreed.plan);
    // Each write was a compare-and-swap on the version its writer had read: at most one per re-plan.
    expect(agreed.version - before!.version).toBeGreaterThanOrEqual(1);
    expect(agreed.version - before!.version).toBeLessThanOrEqual(2);
  });

  it('count the arrivals together: instances that received nothing see the rate the busy one serves', async () => {
    const busy = schedulers[0]!;
    const detectorsBefore = await store.get('detectors');
    // About 40 requests a second, all to one instance, until the idle ones see the rate.
    const image = readFileSync(BUNDLED_IMAGE);
    let sending = true;
    const answered: Array<number | string> = [];
    const load = (async () => {
      while (sending) {
        const replies = await Promise.all(Array.from({ length: 4 }, () => infer(busy.url, image, 'image/jpeg')));
        answered.push(...replies.map((reply) => (reply.status === 200 ? 200 : `${reply.status} ${reply.error?.message}`)));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let seen: StateView[];
    try {
      seen = await eventually(
        async () => {
          const states = await Promise.all(schedulers.slice(1).map((scheduler) => getJson<StateView>(scheduler.url, '/v1/state')));
          return states.every((state) => state.estimates.rateRps > 5) ? states : undefined;
        },
        CONVERGE_MS,
        `idle instances to see the busy instance's arrival rate (busy: ${busy.url})`,
      );
    } finally {
      sending = false;
      await load;
    }
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.filter((status) => status !== 200)).toEqual([]);
    expect(seen).toHaveLength(2);
    // The detector state is still saved every few intervals, for an instance that starts later.
    await eventually(
      async () => ((await store.get('detectors'))!.version > (detectorsBefore?.version ?? 0) ? true : undefined),
      CONVERGE_MS,
      'the detector state to be saved',
    );
  });

  it('each report the total rate of the load spread over them, and re-plan a doubling once between them', async () => {
    const load = startPacedLoad(
      schedulers.map((scheduler) => scheduler.url),
      new Uint8Array(readFileSync(BUNDLED_IMAGE)),
      BASE_RPS,
    );
    const states = () => Promise.all(schedulers.map((scheduler) => getJson<StateView>(scheduler.url, '/v1/state')));
    /** Every instance's rate estimate, once all are within 5% of the rate sent since `sinceMs` (3 s at least). */
    const totalsWithin5Percent = async (sinceMs: number) => {
      if (Date.now() < sinceMs + 3_000) return undefined;
      const reported = (await states()).map((state) => state.estimates.rateRps);
      const truth = load.sentRate(sinceMs, Date.now());
      return reported.every((rate) => Math.abs(rate - truth) <= 0.05 * truth) ? { truth, reported } : undefined;
    };
    /** The stored plan version once it has not changed for `quietMs`: no re-plan under way. */
    const quietPlanVersion = (quietMs: number) => {
      let last = { version: -1, sinceMs: Date.now() };
      return eventually(
        async () => {
          const version = (await store.get('plan'))?.version ?? 0;
          if (version !== last.version) last = { version, sinceMs: Date.now() };
          return Date.now() - last.sinceMs >= quietMs ? version : undefined;
        },
        CONVERGE_MS,
        `the plan to stay unchanged for ${quietMs} ms`,
      );
    };
    try {
      // The base rate, a third to each instance: each one's detector sees the total.
      const baseSinceMs = Date.now() + 1_000;
      await eventually(() => totalsWithin5Percent(baseSinceMs), CONVERGE_MS, `every instance to report about ${BASE_RPS} req/s`);
      // Start from a plan made for the settled base rate (an unchanged config re-plans on the current estimate).
      // The plan made when the load began was made on its first few intervals, and the drift rule re-plans once
      // the estimate moves 25% from what a plan assumed: the first doubled intervals, counted into the base
      // segment before the changepoint is found, could tip that over and add a drift re-plan to the doubling's.
      const { plan: basePlan } = await getPlan(schedulers[0]!.url);
      const replanned = await putConfig(schedulers[0]!.url, SECRET, { slo: { latencyMs: basePlan.sloMs } });
      expect(replanned.status, JSON.stringify(replanned.body)).toBe(200);
      await eventually(
        () => agreedPlan(schedulers, (view) => view.plan.reason === 'config-change' && Math.abs(view.plan.rateRps - BASE_RPS) <= 0.1 * BASE_RPS),
        CONVERGE_MS,
        'the three to agree on a plan for the base rate',
      );
      const versionBefore = await quietPlanVersion(3_000);
      // Read again after the quiet period, for the figures: the segment mean has had more intervals to settle.
      const base = await eventually(() => totalsWithin5Percent(baseSinceMs), CONVERGE_MS, `every instance to report about ${BASE_RPS} req/s`);
      const doubledAtMs = Date.now();
      load.setRate(2 * BASE_RPS);
      const doubledSinceMs = doubledAtMs + 1_500;
      await eventually(() => totalsWithin5Percent(doubledSinceMs), CONVERGE_MS, `every instance to report about ${2 * BASE_RPS} req/s`);
      const agreed = await eventually(() => agreedPlan(schedulers, (view) => view.version > versionBefore), CONVERGE_MS, 'the three to agree on the plan for the doubled rate');
      // Long enough for a second re-plan by a slower instance, had the first not settled it.
      const versionAfter = await quietPlanVersion(4_000);
      const doubled = await eventually(() => totalsWithin5Percent(doubledSinceMs), CONVERGE_MS, `every instance to report about ${2 * BASE_RPS} req/s`);
      const after = await states();
      const replans = after.map((state) => state.replans.filter((replan) => replan.atMs >= doubledAtMs));
      console.log(
        JSON.stringify({
          base: { sentRps: base.truth, reportedRps: base.reported },
          doubled: { sentRps: doubled.truth, reportedRps: doubled.reported },
          planVersions: { before: versionBefore, after: versionAfter },
          replansPerInstance: replans,
        }),
      );
      expect(versionAfter - versionBefore).toBe(1);
      expect(replans.flat()).toHaveLength(1);
      expect(replans.flat()[0]!.reason).toBe('rate-change');
      expect(agreed.plan.reason).toBe('rate-change');
      expect(agreed.plan.rateRps).toBeGreaterThan(1.5 * BASE_RPS);
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
  }, 120_000);
});
