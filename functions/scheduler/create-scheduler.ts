/**
 * Builds a whole scheduler from a validated configuration: lanes, state store, engine, planning, HTTP app.
 * main.ts serves it; integration tests and the local stack build it the same way.
 */
import type { Hono } from 'hono';
import { DEFAULT_PROFILES } from '../../shared/core/profiles/default-profiles.js';
import { updateProfile } from '../../shared/core/profiles/accumulator.js';
import type { Plan, ProfileSet } from '../../shared/core/types.js';
import { RequestVerifier } from '../../shared/protocol/auth.js';
import type { SchedulerConfig } from '../../shared/protocol/config.js';
import { edgeUrlMatcher } from '../../shared/protocol/edge-url-allow.js';
import { configSecretValues } from '../../shared/protocol/config-redact.js';
import { PROBE_MAX_BYTES } from '../../shared/protocol/http-schemas.js';
import type { TelemetryReport } from '../../shared/protocol/telemetry.js';
import { createSchedulerApp } from './app.js';
import { buildLanes } from './build-lanes.js';
import { buildStore } from './build-store.js';
import { SchedulerEngine } from './engine/scheduler-engine.js';
import { LiveStateCell, initialLinks, type PlanningInputs } from './live-state.js';
import type { EngineObserver } from './engine/observer.js';
import { engineTelemetry } from './engine-telemetry.js';
import { createDashboardRoutes } from './ops/dashboard/routes.js';
import { createLogger, requestLogging, type Logger } from './ops/logger.js';
import { SchedulerMetrics } from './ops/metrics.js';
import { RefusalSummary } from './ops/refusal-summary.js';
import { createOpenApiRoutes } from './ops/openapi.js';
import { ServiceTally } from './ops/service-tally.js';
import { LiveReplanController, pricesFor } from './planning/live-replan-controller.js';
import { parseDetectorsRecord } from './planning/detectors-record.js';
import { StateHistoryRecorder } from './planning/history.js';
import { PlanningService } from './planning/planning-service.js';
import { SharedArrivals } from './planning/shared-arrivals.js';
import { StateSync } from './planning/state-sync.js';
import { combineObservers } from './prototype-log.js';
import type { StateStore } from './store/state-store.js';

export interface SchedulerInstance {
  readonly app: Hono;
  readonly engine: SchedulerEngine;
  readonly planning: PlanningService;
  readonly metrics: SchedulerMetrics;
  readonly logger: Logger;
  /** Stops timers, answers what is still queued, writes pending state and closes the store. */
  close(): Promise<void>;
}

export interface CreateSchedulerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra observers (the stack's prototype-style log). */
  readonly observer?: EngineObserver;
  readonly logger?: Logger;
  /** Injected for tests (a store shared by several instances, or one that fails). */
  readonly store?: StateStore;
  /** Profiles to start from when the store holds none (default: the built-in set fitted from the prototype). */
  readonly profiles?: ProfileSet;
  /** This instance's id among the publishers of arrival counts (default: random per process). */
  readonly instanceId?: string;
  readonly now?: () => number;
}

/** Edge batch latencies from telemetry, folded into the edge profile. */
function updateEdgeProfile(profiles: ProfileSet, samples: TelemetryReport['batches']): ProfileSet {
  const edge = updateProfile(profiles.edge, samples.map((sample) => ({ batch: sample.batchSize, latencyMs: sample.totalMs })));
  return { ...profiles, edge };
}

export async function createScheduler(config: SchedulerConfig, options: CreateSchedulerOptions = {}): Promise<SchedulerInstance> {
  const now = options.now ?? Date.now;
  const env = options.env ?? {};
  const logger = options.logger ?? createLogger({ level: config.logging.level, secrets: configSecretValues(config) });
  const metrics = new SchedulerMetrics();
  const store = options.store ?? (await buildStore(config));
  const { lanes, edge, warmPool } = buildLanes(config, env, now, {
    applied: (event) => {
      logger.info({ function: event.functionName, instances: event.instances, current: event.current }, 'FC minimum instances set');
      if (event.functionName === warmPool?.status().functionName) metrics.setWarmApplied(event.instances);
    },
    failed: (event) => {
      metrics.countWarmError();
      logger.warn({ function: event.functionName, instances: event.instances, error: event.error, retryInMs: event.retryInMs }, 'could not set FC minimum instances; retrying later');
    },
  });

  const sync = new StateSync(store, now, {
    // Only flushes and polls adopt, and those start after `planning` exists.
    adopt: (state) => planning.adopt(state),
    storeError: (error, action) => logger.warn({ code: error.code, action }, 'state store unavailable; serving on the last plan'),
  });
  // A store that is down at start-up must not stop the scheduler: start from defaults and catch up later.
  const loaded = await sync.load(['plan', 'detectors', 'profiles']).catch((error: Error) => {
    logger.warn({ error: error.message }, 'could not read state at start-up; starting from defaults');
    return {} as Partial<Record<string, unknown>>;
  });

  const profiles = (loaded.profiles as ProfileSet | undefined) ?? options.profiles ?? DEFAULT_PROFILES;
  // The re-plan controller reads the config and profiles in force: the ones the scheduler starts with until the
  // live state exists (it needs the first plan, which the controller makes), then the live state's.
  let planningInputs: () => PlanningInputs = () => ({ config, profiles });
  const detectors = parseDetectorsRecord(loaded.detectors);
  const replanController = new LiveReplanController(() => planningInputs(), detectors?.controller);
  const arrivals = new SharedArrivals({
    store,
    intervalMs: config.planner.countIntervalMs,
    graceMs: config.planner.countGraceMs,
    ...(options.instanceId ? { publisher: options.instanceId } : {}),
    onStoreError: (error, action) => logger.warn({ code: error.code, action, error: error.message }, 'state store unavailable; the rate detector waits for the totals'),
  });
  // Go on from the interval the stored detector state had seen: the others published the intervals since.
  arrivals.resumeAfter(detectors?.lastInterval, now());
  for (const lane of ['edge', 'serverless'] as const) replanController.laneHealthChanged(lane, lanes[lane].healthy(now()));
  const storedPlan = loaded.plan as Plan | undefined;
  if (storedPlan) replanController.adoptPlan(storedPlan);
  const state = new LiveStateCell({ config, profiles, links: initialLinks(config), plan: storedPlan ?? replanController.replan('initial', now()).plan });
  planningInputs = () => state.current;

  const history = new StateHistoryRecorder();
  const tally = new ServiceTally();
  const telemetry = engineTelemetry({
    metrics,
    history,
    tally,
    prices: () => pricesFor(state.current.config),
  });
  // The edge's timed-out calls bound its link (planning.observeEdgeTimeout); `planning` exists before any call runs.
  const linkBounds: EngineObserver = {
    callTimedOut: ({ lane, bits, elapsedMs, nowMs }) => {
      if (lane === 'edge') planning.observeEdgeTimeout(bits, elapsedMs, nowMs);
    },
  };
  const observer = combineObservers(telemetry, linkBounds, options.observer ?? {});
  const refusals = new RefusalSummary();
  const engine = new SchedulerEngine(lanes, state, { payloadBytes: config.planner.payloadBytes, queue: { maxQueued: config.limits.maxQueued }, now }, observer);
  const planning = new PlanningService({
    engine,
    replanController,
    lanes,
    edgePool: edge,
    sync,
    arrivals,
    edgeUrlAllowed: edgeUrlMatcher([...config.lanes.edge.urls, ...config.lanes.edge.allow]),
    history,
    tally,
    ...(warmPool ? { warmPool } : {}),
    updateEdgeProfile,
    now,
    onRefusedEdgeUrl: (event) => logger.warn({ url: event.url, agentId: event.agentId }, 'telemetry refused: batch URL is not an allowed edge URL'),
    onError: (error, action) => logger.error({ action, error: (error as Error)?.stack ?? String(error) }, 'planning failed'),
    onReplan: (event) => {
      metrics.countReplan(event.reason);
      observer.replanned?.(event);
      void sync.save('profiles', engine.state.current.profiles);
    },
    onPlanInForce: (plan) => {
      metrics.setPlan(plan);
      warmPool?.apply(plan);
    },
    onTick: (event) => {
      observer.tick?.(event);
      metrics.setSlo(planning.slo);
      const estimates = replanController.estimates;
      metrics.setEstimates(estimates.rateRps, estimates.bandwidthMbps);
      metrics.setChangeProbability('rate', estimates.rateChangeProbability);
      metrics.setChangeProbability('bandwidth', estimates.bandwidthChangeProbability);
      for (const lane of ['edge', 'serverless'] as const) metrics.setLaneHealth(lane, lanes[lane].healthy(event.nowMs));
      const snapshot = engine.queueSnapshot();
      for (const lane of ['edge', 'serverless'] as const) {
        for (const priority of ['high', 'low'] as const) metrics.setQueueDepth(lane, priority, snapshot.lanes[lane].byPriority[priority]);
      }
      const refused = refusals.take(snapshot.totals);
      if (refused) logger.warn({ ...refused, intervalMs: event.intervalMs }, 'requests refused with 429 in the last interval');
    },
  });
  metrics.setPlan(state.current.plan);
  metrics.setSlo(config.slo);
  warmPool?.apply(state.current.plan);
  if (!storedPlan) {
    metrics.countReplan('initial');
    history.recordReplan({ atMs: now(), reason: 'initial' });
    observer.replanned?.({ plan: state.current.plan, previous: undefined, reason: 'initial', nowMs: now() });
    void sync.save('plan', state.current.plan);
  }

  const dashboard = createDashboardRoutes();
  const openapi = createOpenApiRoutes();
  const app = createSchedulerApp({
    engine,
    planning,
    limits: {
      maxBodyBytes: config.limits.maxBodyBytes,
      maxPixels: config.limits.maxPixels,
      maxTelemetryBytes: 1024 * 1024,
      maxProbeBytes: PROBE_MAX_BYTES,
      // Read per request: PUT /v1/config may change it while running.
      get defaultPriority() {
        return planning.slo.defaultPriority;
      },
    },
    ...(config.security.edgeSecret ? { edgeVerifier: new RequestVerifier(config.security.edgeSecret) } : {}),
    ...(config.security.configSecret ? { configVerifier: new RequestVerifier(config.security.configSecret) } : {}),
    metrics,
    middleware: requestLogging(logger),
    laneHealth: (nowMs) => ({ edge: lanes.edge.healthy(nowMs), serverless: lanes.serverless.healthy(nowMs) }),
    mount: (root) => {
      root.route('/', dashboard);
      root.route('/', openapi);
    },
    onInternalError: (error) => logger.error({ error: (error as Error)?.stack ?? String(error) }, 'internal error'),
    now,
  });
  planning.start();

  return {
    app,
    engine,
    planning,
    metrics,
    logger,
    async close() {
      planning.stop();
      engine.stop();
      warmPool?.stop();
      await sync.save('detectors', planning.detectorsRecord());
      await sync.flush();
      await store.close();
    },
  };
}
