/**
 * The simulator's options: readonly, with documented defaults, validated once ("Expected X, got Y").
 * Times in ms, bandwidth in Mbit/s, sizes in bytes.
 */
import { EngineError, expected } from '../errors.js';
import { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES } from '../planner/input.js';
import { DEFAULT_PRICES, type PriceTable } from '../pricing/index.js';
import { DEFAULT_TRACED_LANE, topologyLinks } from '../topology.js';
import type { LaneId } from '../types.js';
import type { CpuContention } from './shared-cpu.js';

export interface SimOptions {
  /** Seed of every random draw (service-time noise); same inputs and seed → same numbers. Default 1. */
  readonly seed: number;
  /**
   * Bytes one request carries. Default DEFAULT_PAYLOAD_BYTES (24,178): the prototype's request image (data/seed/images/1.jpg,
   * 24 KB). The prototype's transfer model assumed about 200 KB a request; pass 204800 to reproduce that.
   */
  readonly payloadBytes: number;
  /**
   * Which lane's link the bandwidth trace describes. Default 'edge', the product's topology: the scheduler and
   * the inference function share an FC region and the Jetson sits behind its own link. 'serverless' is the
   * prototype's topology (scheduler beside the Jetson, FC behind a cellular uplink), for comparing with it.
   */
  readonly tracedLane: LaneId;
  /** Bandwidth of the lane the trace does not describe. Default from the topology (topology.ts). */
  readonly fixedLaneMbps: number;
  /** Round trip per lane (request and answer framing, no payload). Default from the topology (topology.ts). */
  readonly rttMs: Readonly<Record<LaneId, number>>;
  /**
   * The round trips the scheduler believes (its configuration), which it plans and times its lanes with. Default
   * rttMs. They differ where the lanes are not where the configuration says, as on loopback (the local stack).
   */
  readonly assumedRttMs: Readonly<Record<LaneId, number>>;
  /**
   * Batches the scheduler keeps in flight to the edge agent, as the live scheduler does (DEFAULT_BOUNDS.edgeSlots):
   * they cross the link one after another, and its one GPU serves them one after another.
   */
  readonly edgeSlots: number;
  /** Calls one FC instance serves at once. Default 1 (the inference function's instanceConcurrency). */
  readonly instanceConcurrency: number;
  /** How long an idle FC instance stays warm. Default 300,000 ms (assumption; FC does not publish it). */
  readonly keepAliveMs: number;
  /** The account's concurrent instance limit. Default 100 (FC 3.0 default quota per region). */
  readonly instanceLimit: number;
  /**
   * Instances already running when the run opens. Default: as many as the opening load keeps busy (the pool of
   * a service that was already serving); a fixed set of processes (the local stack's) gives its own count.
   */
  readonly openingInstances?: number;
  /**
   * The machine the lanes' computations share, when they share one (the local stack: the edge agent and the
   * inference function on one CPU), with how crowded it was. Undefined (the default): each lane computes on its
   * own hardware, as the Jetson and FC's instances do. Shared, the calls computing at once divide its cores.
   */
  readonly sharedCpu?: CpuContention;
  /**
   * The serverless lane is one process computing one call at a time (the local stack's inference function:
   * onnxruntime runs a session on its event loop), calls beyond it waiting their turn, an abandoned call
   * computed all the same; instanceLimit then bounds the calls the scheduler keeps in flight. Default false:
   * FC, an instance per call.
   */
  readonly serverlessSerial: boolean;
  /** Observation interval for arrival counts and bandwidth samples (the controller's). Default 1,000 ms. */
  readonly intervalMs: number;
  /** Queue bound (VirtualQueue.maxQueued). Default 10,000. */
  readonly maxQueued: number;
  readonly prices: PriceTable;
  /** Keep at most this many latency samples for the CDF (evenly thinned). Default 5,000. */
  readonly latencySamples: number;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = Object.freeze({
  seed: 1,
  payloadBytes: DEFAULT_PAYLOAD_BYTES,
  tracedLane: DEFAULT_TRACED_LANE,
  fixedLaneMbps: topologyLinks(DEFAULT_TRACED_LANE).fixedLaneMbps,
  rttMs: topologyLinks(DEFAULT_TRACED_LANE).rttMs,
  assumedRttMs: topologyLinks(DEFAULT_TRACED_LANE).rttMs,
  edgeSlots: DEFAULT_BOUNDS.edgeSlots,
  instanceConcurrency: 1,
  keepAliveMs: 300_000,
  instanceLimit: 100,
  serverlessSerial: false,
  intervalMs: 1_000,
  maxQueued: 10_000,
  prices: DEFAULT_PRICES,
  latencySamples: 5_000,
});

export function resolveSimOptions(options: Partial<SimOptions> = {}): SimOptions {
  const tracedLane = options.tracedLane ?? DEFAULT_SIM_OPTIONS.tracedLane;
  if (tracedLane !== 'edge' && tracedLane !== 'serverless') throw new EngineError('invalid_input', expected("tracedLane 'edge' or 'serverless'", tracedLane));
  const links = topologyLinks(tracedLane);
  const rttMs = { ...links.rttMs, ...options.rttMs };
  const resolved: SimOptions = {
    ...DEFAULT_SIM_OPTIONS,
    fixedLaneMbps: links.fixedLaneMbps,
    ...options,
    tracedLane,
    rttMs,
    assumedRttMs: { ...rttMs, ...options.assumedRttMs },
  };
  const positive = (name: keyof SimOptions, value: number, integer = false) => {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      throw new EngineError('invalid_input', expected(`${name} to be a ${integer ? 'whole ' : ''}number > 0`, value));
    }
  };
  positive('payloadBytes', resolved.payloadBytes);
  positive('fixedLaneMbps', resolved.fixedLaneMbps);
  positive('edgeSlots', resolved.edgeSlots, true);
  positive('instanceConcurrency', resolved.instanceConcurrency, true);
  positive('keepAliveMs', resolved.keepAliveMs);
  positive('instanceLimit', resolved.instanceLimit, true);
  positive('intervalMs', resolved.intervalMs);
  positive('maxQueued', resolved.maxQueued, true);
  positive('latencySamples', resolved.latencySamples, true);
  if (resolved.openingInstances !== undefined && !(Number.isInteger(resolved.openingInstances) && resolved.openingInstances >= 0)) {
    throw new EngineError('invalid_input', expected('openingInstances to be a whole number >= 0', resolved.openingInstances));
  }
  if (resolved.sharedCpu !== undefined) {
    const { cores, backgroundThreads = 0, calibrationRunnable = 1 } = resolved.sharedCpu;
    positive('sharedCpu.cores' as keyof SimOptions, cores);
    if (!(backgroundThreads >= 0 && Number.isFinite(backgroundThreads))) throw new EngineError('invalid_input', expected('sharedCpu.backgroundThreads >= 0', backgroundThreads));
    if (!(calibrationRunnable >= 0 && Number.isFinite(calibrationRunnable))) throw new EngineError('invalid_input', expected('sharedCpu.calibrationRunnable >= 0', calibrationRunnable));
  }
  if (!Number.isInteger(resolved.seed)) throw new EngineError('invalid_input', expected('seed to be an integer', resolved.seed));
  for (const lane of ['edge', 'serverless'] as const) {
    if (!(resolved.rttMs[lane] >= 0)) throw new EngineError('invalid_input', expected(`rttMs.${lane} >= 0`, resolved.rttMs[lane]));
    if (!(resolved.assumedRttMs[lane] >= 0)) throw new EngineError('invalid_input', expected(`assumedRttMs.${lane} >= 0`, resolved.assumedRttMs[lane]));
  }
  return Object.freeze(resolved);
}
