/**
 * `static`: the prototype's defaults, never re-planned: edge batch 20, serverless batch 2, 1024 MB, a 0.4 s
 * timeout on both lanes, and the split its queue produced by alternating an edge batch of 20 with a serverless
 * batch of 2 (20/22 of the traffic to the edge).
 */
import type { Plan } from '../../types.js';
import type { PolicyContext, SimPolicy } from '../policy.js';
import { serverlessConfigFor } from './serverless-config.js';

export function staticPolicy(context: PolicyContext): SimPolicy {
  const plan: Plan = {
    policy: 'static',
    createdAtMs: 0,
    reason: 'initial',
    rateRps: 0,
    bandwidthMbps: { edge: 0, serverless: 0 },
    sloMs: context.sloMs,
    sloTarget: context.sloTarget,
    lanes: {
      edge: { batchSize: 20, timeoutMs: 400, share: 20 / 22 },
      serverless: { batchSize: 2, timeoutMs: 400, share: 2 / 22 },
    },
    serverless: serverlessConfigFor(context.profiles, 1024),
    warmInstances: 0,
    predicted: { p99LatencyMs: { edge: Number.NaN, serverless: Number.NaN }, costPerMillionUsd: Number.NaN, edgeUtilisation: Number.NaN, attainment: Number.NaN },
  };
  return { name: 'static', start: () => plan, observe: () => undefined };
}
