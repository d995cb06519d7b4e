/**
 * Turns engine events into what operators see and what the planner learns: metrics, the dashboard history,
 * the estimated spend, and the serverless lane's measured bandwidth.
 */
import { edgeCostUsd, serverlessCallCostUsd, type PriceTable } from '../../shared/core/pricing/index.js';
import type { EngineObserver } from './engine/observer.js';
import type { SchedulerMetrics } from './ops/metrics.js';
import type { StateHistoryRecorder } from './planning/history.js';

export interface EngineTelemetryDeps {
  readonly metrics: SchedulerMetrics;
  readonly history: StateHistoryRecorder;
  readonly prices: () => PriceTable;
  /** A serverless call's transfer (bytes, ms), for the serverless bandwidth detector. */
  readonly serverlessTransfer: (bytes: number, transferMs: number, nowMs: number) => void;
}

export function engineTelemetry(deps: EngineTelemetryDeps): EngineObserver {
  const { metrics, history } = deps;
  return {
    batchDispatched({ lane, size }) {
      history.recordDispatch(lane, size);
    },
    batchCompleted({ lane, size, outcome, serverlessConfig, nowMs }) {
      metrics.observeBatch(lane, size, outcome.roundTripMs);
      const { timings } = outcome.response;
      if (lane === 'serverless') {
        // FC bills the function's own run time; the round trip is what we measure, so charge that (an upper bound).
        metrics.addCost('serverless', serverlessCallCostUsd(deps.prices(), serverlessConfig, outcome.roundTripMs));
        if (outcome.coldStart) metrics.countColdStart();
        deps.serverlessTransfer(outcome.bytesSent, outcome.roundTripMs - timings.totalMs, nowMs);
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
