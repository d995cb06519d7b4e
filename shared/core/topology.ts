/**
 * Where the lanes sit relative to the scheduler, named by the lane whose link is remote and variable: the one a
 * bandwidth trace describes and telemetry keeps measuring.
 *
 * - 'edge' (the product): the scheduler is an FC function and the inference function runs in the same region,
 *   a data-center hop; the Jetson sits at the edge behind its own cellular or broadband link.
 * - 'serverless' (the prototype's topology, kept to compare with it): the scheduler ran beside the Jetson on a
 *   LAN and reached FC over a cellular uplink.
 */
import type { LaneId } from './types.js';

export type TracedLane = LaneId;

export const DEFAULT_TRACED_LANE: TracedLane = 'edge';

export interface TopologyLinks {
  /** Bandwidth of the lane whose link does not vary (Mbit/s). */
  readonly fixedLaneMbps: number;
  /** Round trip per lane (request and answer framing, no payload), ms. */
  readonly rttMs: Readonly<Record<LaneId, number>>;
}

/**
 * Product: an in-region InvokeFunction costs tens of ms (30 assumed) and moves a batch of JPEGs in a few ms on
 * Gbit-class data-center networking (1000 Mbit/s assumed); a cellular round trip to the Jetson is about 50 ms
 * (typical LTE). Prototype: a LAN to the Jetson (2 ms, 100 Mbit/s) and FC 40 ms away over the uplink.
 */
const LINKS: Readonly<Record<TracedLane, TopologyLinks>> = Object.freeze({
  edge: Object.freeze({ fixedLaneMbps: 1000, rttMs: Object.freeze({ edge: 50, serverless: 30 }) }),
  serverless: Object.freeze({ fixedLaneMbps: 100, rttMs: Object.freeze({ edge: 2, serverless: 40 }) }),
});

export function topologyLinks(tracedLane: TracedLane): TopologyLinks {
  return LINKS[tracedLane];
}

/** Per-lane bandwidth when the traced lane's link runs at `tracedMbps` and the other at `fixedMbps`. */
export function laneBandwidths(tracedLane: TracedLane, tracedMbps: number, fixedMbps = LINKS[tracedLane].fixedLaneMbps): Record<LaneId, number> {
  return tracedLane === 'edge' ? { edge: tracedMbps, serverless: fixedMbps } : { edge: fixedMbps, serverless: tracedMbps };
}
