/** Helpers the controller's tests share: a fake planner and a second-by-second driver. */
import type { ControllerPlanRequest, ReplanController } from '../../../shared/core/control/index.js';
import { createRandom } from '../../../shared/core/random.js';
import type { Plan } from '../../../shared/core/types.js';

/** A fake planner whose batch size follows the rate (so plans for different rates differ) and records calls. */
export function recordingPlanner() {
  const calls: ControllerPlanRequest[] = [];
  const planner = (request: ControllerPlanRequest): Plan => {
    calls.push(request);
    const batch = Math.max(1, Math.round(request.rateRps / 10));
    const edgeBatch = Math.max(1, Math.round(request.bandwidthMbps.serverless));
    return {
      policy: 'ours',
      createdAtMs: request.nowMs,
      reason: request.reason,
      rateRps: request.rateRps,
      bandwidthMbps: request.bandwidthMbps,
      sloMs: 1000,
      sloTarget: 0.999,
      lanes: { edge: { batchSize: batch, timeoutMs: 100, share: 0.5 }, serverless: { batchSize: edgeBatch, timeoutMs: 100, share: 0.5 } },
      serverless: { memoryMb: 1024, cpu: 0.5 },
      warmInstances: 0,
      predicted: { p99LatencyMs: { edge: 0, serverless: 0 }, costPerMillionUsd: 0, edgeUtilisation: 0, attainment: 1 },
    };
  };
  return { planner, calls };
}

/** Drives a controller second by second; returns the re-plans (second, reason). */
export function drive(controller: ReplanController, seconds: number, rateAt: (s: number) => number, mbpsAt: (s: number) => number, seed = 1, from = 0) {
  const random = createRandom(seed);
  const replans: Array<{ second: number; reason: string }> = [];
  for (let s = from; s < from + seconds; s++) {
    const nowMs = (s + 1) * 1000;
    controller.observeArrivals(random.poisson(rateAt(s)), 1000, nowMs);
    controller.observeBandwidth('edge', 100, nowMs);
    controller.observeBandwidth('serverless', mbpsAt(s) * Math.exp(random.normal(0, 0.1)), nowMs);
    const decided = controller.decide(nowMs);
    if (decided) replans.push({ second: s, reason: decided.reason });
  }
  return replans;
}

