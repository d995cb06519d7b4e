/**
 * Scale-out (issue 5): three scheduler PROCESSES (functions/scheduler/main.ts, as FC would run three instances)
 * share one Tablestore table, reached through the real `tablestore` SDK and the adapter, served by the
 * wire-level stand-in. They must agree on the plan and the detector state through compare-and-swap, with no lost
 * update: a plan one instance makes is adopted by the others, and two instances re-planning at once do not
 * overwrite each other blindly (one wins, the other adopts its plan).
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

const INSTANCE = 'scaleout';
const SCOPE = 'scale-out-test';
const SECRET = 'scale-out-config-secret-0123';
const CREDENTIALS = { accessKeyId: 'fake-access-key-id', accessKeySecret: 'fake-access-key-secret' };
/** Short counting intervals so that polling the store (every 5 intervals) happens every half second. */
const COUNT_INTERVAL_MS = 100;
const CONVERGE_MS = 30_000;

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
      REPLAN_INTERVAL_MS: '0',
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

  it('share the detector state: instances that received nothing learn the rate the busy one saw', async () => {
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
    const detectorsAfter = await store.get('detectors');
    expect(detectorsAfter!.version).toBeGreaterThan(detectorsBefore?.version ?? 0);
  });
});
