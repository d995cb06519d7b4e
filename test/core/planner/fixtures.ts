import { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES, DEFAULT_SLO_TARGET, type PlannerInput } from '../../../shared/core/planner/input.js';
import { DEFAULT_PRICES } from '../../../shared/core/pricing/prices.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';

/** A planner input on the built-in profiles (the prototype's Orin and FC fits) with the prototype's JPEG. */
export function plannerInput(rateRps: number, serverlessMbps: number, sloMs: number, edgeHealthy = true, edgeMbps = 100): PlannerInput {
  return {
    rateRps,
    bandwidthMbps: { edge: edgeMbps, serverless: serverlessMbps },
    rttMs: { edge: 2, serverless: 30 },
    payloadBytes: DEFAULT_PAYLOAD_BYTES,
    sloMs,
    sloTarget: DEFAULT_SLO_TARGET,
    profiles: DEFAULT_PROFILES,
    prices: DEFAULT_PRICES,
    bounds: { ...DEFAULT_BOUNDS, edgeHealthy },
    nowMs: 0,
    reason: 'manual',
  };
}
