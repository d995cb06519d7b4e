/** Plans, lane statuses and requests for the queue tests, built literally (no planner involved). */
import type { LaneId, LanePlan, LaneStatus, Plan, Priority, QueuedRequest } from '../../../shared/core/types.js';

/**
 * The prototype's fitted latencies (its alg.py's constants, shared/core/planner/seed.ts's SEED), in ms: edge 8.165 b + 42.34; FC at 1024 MB
 * 141 b - 8.806e-3 * 1024 + 225 = 141 b + 215.98. Used as the lanes' service times where realism helps.
 */
export const PROTOTYPE_EDGE_MS = (b: number): number => 8.165 * b + 42.34;
export const PROTOTYPE_FC_1024_MS = (b: number): number => 141 * b - 8.806e-3 * 1024 + 225;

export function makePlan(lanes: Partial<Record<LaneId, Partial<LanePlan>>> = {}): Plan {
  const lane = (id: LaneId, fallback: LanePlan): LanePlan => ({ ...fallback, ...lanes[id] });
  return {
    policy: 'test',
    createdAtMs: 0,
    reason: 'manual',
    rateRps: 50,
    bandwidthMbps: { edge: 100, serverless: 50 },
    sloMs: 1000,
    sloTarget: 0.999,
    lanes: {
      edge: lane('edge', { batchSize: 20, timeoutMs: 400, share: 0.5 }),
      serverless: lane('serverless', { batchSize: 2, timeoutMs: 400, share: 0.5 }),
    },
    serverless: { memoryMb: 1024, cpu: 1 },
    warmInstances: 0,
    predicted: { p99LatencyMs: { edge: 300, serverless: 800 }, costPerMillionUsd: 1, edgeUtilisation: 0.5, attainment: 1 },
  };
}

export function laneStatus(serviceMs: (b: number) => number, freeSlots = 1, healthy = true): LaneStatus {
  return { healthy, freeSlots, serviceMs };
}

/** Both lanes healthy with one free slot each, the prototype's service times unless given. */
export function makeLanes(overrides: Partial<Record<LaneId, Partial<LaneStatus>>> = {}): Record<LaneId, LaneStatus> {
  return {
    edge: { ...laneStatus(PROTOTYPE_EDGE_MS), ...overrides.edge },
    serverless: { ...laneStatus(PROTOTYPE_FC_1024_MS), ...overrides.serverless },
  };
}

export function req(id: string, arrivalMs: number, deadlineMs = arrivalMs + 1000, priority: Priority = 'high'): QueuedRequest {
  return { id, arrivalMs, deadlineMs, priority, bytes: 200 * 1024 };
}

export const ids = (requests: readonly QueuedRequest[]): string[] => requests.map((r) => r.id);
