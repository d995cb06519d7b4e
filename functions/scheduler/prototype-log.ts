/**
 * The human-readable log the prototype printed, kept for operators who know it (and for `npm start`):
 *
 *   Prepare <20> requests
 *   Actual send <18> requests to <EDGE>
 *   wait_time/timeout = <0.38>/<0.4>
 *
 * and a block at each re-plan saying why and what the new plan is.
 */
import type { LaneId, Plan } from '../../shared/core/types.js';
import type { EngineObserver } from './engine/observer.js';

const LANE_NAME: Record<LaneId, string> = { edge: 'EDGE', serverless: 'SERVERLESS' };
const seconds = (ms: number) => (ms / 1000).toFixed(2);

export function describePlan(plan: Plan): string[] {
  const lane = (id: LaneId) => {
    const p = plan.lanes[id];
    return `  ${LANE_NAME[id].padEnd(10)} share ${(p.share * 100).toFixed(1).padStart(5)}%  batch <${p.batchSize}>  timeout <${seconds(p.timeoutMs)}> s  predicted p99 ${seconds(plan.predicted.p99LatencyMs[id])} s`;
  };
  return [
    lane('edge'),
    lane('serverless'),
    `  serverless memory ${plan.serverless.memoryMb} MB, ${plan.serverless.cpu} vCPU; cost ${plan.predicted.costPerMillionUsd.toFixed(2)} USD per million requests`,
  ];
}

export function prototypeLog(write: (line: string) => void): EngineObserver {
  return {
    batchDispatched({ lane, size, plan, oldestWaitMs, retry, hedge }) {
      if (hedge) {
        write(`Hedge <${size}> requests to <${LANE_NAME[lane]}> (their batch on the other lane is late)`);
        return;
      }
      write(`Prepare <${plan.lanes[lane].batchSize}> requests`);
      write(`Actual send <${size}> requests to <${LANE_NAME[lane]}>${retry ? ' (retry after the other lane failed)' : ''}`);
      write(`wait_time/timeout = <${seconds(oldestWaitMs)}>/<${seconds(plan.lanes[lane].timeoutMs)}>`);
    },
    batchFailed({ lane, size, error, willRetryOn }) {
      write(`Batch of <${size}> on <${LANE_NAME[lane]}> failed: ${error.code}: ${error.message}${willRetryOn ? ` -> retry on <${LANE_NAME[willRetryOn]}>` : ''}`);
    },
    replanned({ plan, reason }) {
      const inputs = `rate ${plan.rateRps.toFixed(1)} req/s, bandwidth edge ${plan.bandwidthMbps.edge.toFixed(1)} / serverless ${plan.bandwidthMbps.serverless.toFixed(1)} Mbit/s, SLO ${seconds(plan.sloMs)} s`;
      write('==================== re-plan ====================');
      write(`reason: ${reason} (${inputs})`);
      for (const line of describePlan(plan)) write(line);
      write('=================================================');
    },
  };
}

/** Several observers as one. */
export function combineObservers(...observers: EngineObserver[]): EngineObserver {
  const combined: EngineObserver = {};
  const keys = new Set(observers.flatMap((observer) => Object.keys(observer))) as Set<keyof EngineObserver>;
  for (const key of keys) {
    (combined as Record<string, (event: unknown) => void>)[key] = (event: unknown) => {
      for (const observer of observers) (observer[key] as ((event: unknown) => void) | undefined)?.(event);
    };
  }
  return combined;
}
