/**
 * `aimd`: Clipper's adaptive batching (Crankshaw et al., NSDI 2017, section 4.3): per lane, additively increase
 * the batch size after every batch answered within the SLO, and cut it multiplicatively (by 10%, Clipper's
 * backoff) after a batch that missed. Simplifications: the split and the serverless memory come from our
 * planner once, at the start, for the first second's rate and bandwidth, and stay; the timeouts are the
 * initial plan's (Clipper batches whatever is queued; the queue's deadline rule still closes batches early).
 */
import type { LaneId, Plan } from '../../types.js';
import type { BatchFeedback, PolicyContext, SimPolicy } from '../policy.js';
import { planOrFallback, planRequest } from './planning.js';

export interface AimdOptions {
  /** Added to the batch size after a batch within the SLO. Default 1. */
  readonly increase: number;
  /** Factor applied after a miss. Default 0.9. */
  readonly decrease: number;
  /** Largest batch per lane. Defaults: edge 128, serverless 20 (the planner's bounds). */
  readonly maxBatch: Readonly<Record<LaneId, number>>;
}

export function aimdPolicy(context: PolicyContext, options: Partial<AimdOptions> = {}): SimPolicy {
  const increase = options.increase ?? 1;
  const decrease = options.decrease ?? 0.9;
  const maxBatch = options.maxBatch ?? { edge: 128, serverless: 20 };
  let current: Plan;
  const size: Record<LaneId, number> = { edge: 1, serverless: 1 };
  return {
    name: 'aimd',
    start(first): Plan {
      const planned = planOrFallback(context.planners.ours, planRequest(context, first.arrivals / (first.intervalMs / 1000), first.bandwidthMbps, 0, 'initial'), undefined);
      if (!planned) throw new Error('aimd: no initial plan');
      size.edge = planned.lanes.edge.batchSize;
      size.serverless = planned.lanes.serverless.batchSize;
      current = { ...planned, policy: 'aimd' };
      return current;
    },
    observe: () => undefined,
    batchDone(feedback: BatchFeedback): Plan | undefined {
      const lane = feedback.lane;
      const before = Math.floor(size[lane]);
      size[lane] = feedback.worstLatencyMs <= feedback.sloMs ? Math.min(maxBatch[lane], size[lane] + increase) : Math.max(1, size[lane] * decrease);
      const after = Math.floor(size[lane]);
      if (after === before) return undefined;
      current = {
        ...current,
        createdAtMs: feedback.nowMs,
        reason: 'periodic',
        lanes: { ...current.lanes, [lane]: { ...current.lanes[lane], batchSize: after } },
      };
      return current;
    },
  };
}
