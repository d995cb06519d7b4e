/**
 * Turns engine events into what operators see: metrics, the dashboard history and the estimated spend.
 * The serverless lane's bandwidth is not inferred from round trips: they mix transfer with queueing and CPU
 * contention at the function, and a bogus low estimate makes the planner give up on the lane. The edge's
 * bandwidth comes from the agent's own measurements instead (telemetry).
 */
import { edgeCostUsd, serverlessCallCostUsd, type PriceTable } from '../../shared/core/pricing/index.js';
import type { EngineObserver } from './engine/observer.js';
import type { SchedulerMetrics } from './ops/metrics.js';
import type { StateHistoryRecorder } from './planning/history.js';

export interface EngineTelemetryDeps {
  readonly metrics: SchedulerMetrics;
  readonly history: StateHistoryRecorder;
  readonly prices: () => PriceTable;
}

export function engineTelemetry(deps: EngineTelemetryDeps): EngineObserver {
  const { metrics, history } = deps;
  return {
    batchDispatched({ lane, size }) {
      history.recordDispatch(lane, size);
    },
    batchCompleted({ lane, size, outcome, serverlessConfig }) {
      metrics.observeBatch(lane, size, outcome.roundTripMs);
      if (lane === 'serverless') {
        // FC bills the function's own run time; the round trip is what we measure, so charge that (an upper bound).
        metrics.addCost('serverless', serverlessCallCostUsd(deps.prices(), serverlessConfig, outcome.roundTripMs));
        if (outcome.coldStart) metrics.countColdStart();
      }
    },
    tick({ intervalMs }) {
      // The edge box is paid for by the hour, busy or not.
      metrics.addCost('edge', edgeCostUsd(deps.prices(), intervalMs));
    },
    requestAnswered({ answer, sloMs }) {
      metrics.observeRequest('result', answer.timings.totalMs);
      history.recordAnswer(answer.placement, answer.timings.totalMs);
      if (answer.timings.totalMs > sloMs) metrics.countSloViolation(answer.placement);
    },
    requestFailed({ error, waitedMs }) {
      metrics.observeRequest(error.code, waitedMs);
    },
  };
}
