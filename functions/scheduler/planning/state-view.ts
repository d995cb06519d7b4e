/**
 * `GET /v1/state`: estimates, queue, recent history, lanes, the SLO beside its predicted and measured attainment,
 * hedges, and the plan in force.
 */
import type { SchedulerState } from '../../../shared/protocol/http-schemas.js';
import type { PlanningDeps } from './planning-service.js';

type StateDeps = Pick<PlanningDeps, 'engine' | 'replanController' | 'lanes' | 'edgePool' | 'history' | 'tally' | 'warmPool'>;

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

export function stateView(deps: StateDeps, nowMs: number): SchedulerState {
  const { engine, replanController, lanes, edgePool, history, tally, warmPool } = deps;
  const queue = engine.queueSnapshot(nowMs);
  const estimates = replanController.estimates;
  // One snapshot for the whole view, so the plan and the SLO shown belong together.
  const { plan, config } = engine.state.current;
  return {
    nowMs,
    queue: {
      depth: queue.size,
      byLane: { edge: queue.lanes.edge.depth, serverless: queue.lanes.serverless.depth },
      byPriority: { high: queue.byPriority.high, low: queue.byPriority.low },
      oldestWaitMs: queue.oldestWaitMs ?? 0,
    },
    estimates: {
      rateRps: estimates.rateRps,
      bandwidthMbps: estimates.bandwidthMbps,
      rateChangeProbability: clamp01(estimates.rateChangeProbability),
      bandwidthChangeProbability: clamp01(estimates.bandwidthChangeProbability),
    },
    history: history.view(),
    ...history.events(),
    lanes: {
      edge: {
        healthy: lanes.edge.healthy(nowMs),
        agents: edgePool.status(nowMs).map((agent) => ({
          id: agent.url,
          batchUrl: agent.url,
          healthy: agent.state === 'closed' || agent.state === 'half-open',
          lastSeenMs: agent.lastHeartbeatMs ?? null,
        })),
      },
      serverless: { healthy: lanes.serverless.healthy(nowMs), ...(warmPool ? { warm: warmPool.status() } : {}) },
    },
    slo: {
      latencyMs: config.slo.latencyMs,
      target: config.slo.target,
      planTarget: plan?.sloTarget ?? null,
      predictedAttainment: plan?.predicted.attainment ?? null,
      measured: {
        sinceStart: tally.sinceStart(),
        recent: { ...tally.recent(), windowMs: tally.recentIntervals * config.planner.countIntervalMs },
      },
    },
    hedges: tally.hedges(),
    plan,
  };
}
