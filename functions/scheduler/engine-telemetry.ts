/**
 * Turns engine events into what operators see: metrics, the dashboard history and the estimated spend.
 * The serverless lane's bandwidth is not inferred from round trips: they mix transfer with queueing and CPU
 * contention at the function, and a bogus low estimate makes the planner give up on the lane. The edge's
 * bandwidth comes from the agent's own measurements instead (telemetry).
 *
 * Hedge copies are extra work on a lane, not the plan's split: they stay out of the split and the batch
 * histograms, and are counted (sent, won, their FC spend) on their own.
 */
import { edgeCostUsd, serverlessCallCostUsd, type PriceTable } from '../../shared/core/pricing/index.js';
import type { EngineObserver } from './engine/observer.js';
import type { SchedulerMetrics } from './ops/metrics.js';
import type { ServiceTally } from './ops/service-tally.js';
import type { StateHistoryRecorder } from './planning/history.js';

export interface EngineTelemetryDeps {
  readonly metrics: SchedulerMetrics;
  readonly history: StateHistoryRecorder;
  readonly tally: ServiceTally;
  readonly prices: () => PriceTable;
}

export function engineTelemetry(deps: EngineTelemetryDeps): EngineObserver {
  const { metrics, history, tally } = deps;
  return {
    batchDispatched({ lane, size, hedge }) {
      if (!hedge) history.recordDispatch(lane, size);
    },
    batchCompleted({ lane, size, outcome, serverlessConfig, hedge }) {
      if (!hedge) metrics.observeBatch(lane, size, outcome.roundTripMs);
      if (lane === 'serverless') {
        // FC bills the function's own run time; the round trip is what we measure, so charge that (an upper bound).
        const usd = serverlessCallCostUsd(deps.prices(), serverlessConfig, outcome.roundTripMs);
        metrics.addCost('serverless', usd);
        if (hedge) {
          metrics.addHedgeCost(usd);
          tally.hedgeCost(usd);
        }
        if (outcome.coldStart) metrics.countColdStart();
      }
    },
    hedgeSent({ lane, size }) {
      metrics.countHedgeSent(lane, size);
      tally.hedgeSent(lane, size);
    },
    tick({ intervalMs }) {
      // The edge box is paid for by the hour, busy or not.
      metrics.addCost('edge', edgeCostUsd(deps.prices(), intervalMs));
      tally.closeInterval();
      metrics.setMeasuredAttainment('recent', tally.recent().attainment);
    },
    requestAnswered({ answer, sloMs }) {
      metrics.observeRequest('result', answer.timings.totalMs);
      tally.answered(answer.timings.totalMs, sloMs);
      metrics.setMeasuredAttainment('since_start', tally.sinceStart().attainment);
      if (answer.hedged) {
        metrics.countHedgeWon(answer.placement);
        tally.hedgeWon(answer.placement);
      }
      history.recordAnswer(answer.placement, answer.timings.totalMs);
      if (answer.timings.totalMs > sloMs) metrics.countSloViolation(answer.placement);
    },
    requestFailed({ error, waitedMs }) {
      metrics.observeRequest(error.code, waitedMs);
      tally.failed();
      metrics.setMeasuredAttainment('since_start', tally.sinceStart().attainment);
    },
  };
}
