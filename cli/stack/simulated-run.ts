/**
 * The local-stack run simulated: the same arrivals, the same edge link trace and the profiles the stack
 * calibrated on this machine, through the simulator (policy `ours`) set up as the local stack runs, so the
 * summary can set the simulated figures beside the live ones.
 *
 * What the local stack is, as the simulator needs it: the lanes are processes on loopback (round trips of a
 * local HTTP call, not the configured 50 / 30 ms, which the scheduler still plans with); the inference function
 * is one process taking the scheduler's few batches in flight at once, warm from the start (no FC fleet, no cold
 * starts); and both lanes compute on this machine's cores, so calls computing at once slow each other.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_PRICES } from '../../shared/core/pricing/index.js';
import { parseProfiles } from '../../shared/core/profiles/profiles-format.js';
import { defaultPlanners, simulate } from '../../shared/core/sim/index.js';
import type { CpuContention } from '../../shared/core/sim/shared-cpu.js';
import { bandwidthTrace, type BandwidthTrace } from '../../shared/core/traces/index.js';
import { EdgeLaneConfigSchema, PlannerBoundsSchema, ServerlessLaneConfigSchema, SloConfigSchema } from '../../shared/protocol/config.js';
import type { ReplayRecord } from '../loadgen/replay.js';
import { summarise } from '../loadgen/summary.js';
import type { RunnableCounts } from './runnable-sampler.js';

/** Round trip of a batch call on loopback beyond its service (HTTP framing, base64 and JSON both ways). */
const LOOPBACK_RTT_MS = 2;

/** What the simulation of a run needs, kept in the run's record so that `--from-record` simulates it again. */
export interface StackSimulationInput {
  /** The replay's arrival instants (ms since it began), within its duration. */
  readonly arrivalsMs: readonly number[];
  /** The edge link's trace as the shaping proxy played it. */
  readonly link: { readonly startsMs: readonly number[]; readonly mbps: readonly number[]; readonly periodMs: number };
  /** The profiles file the scheduler started from (calibrated on this machine, or the built-in set). */
  readonly profiles: unknown;
  readonly payloadBytes: number;
  /** Batches the scheduler keeps in flight to the local inference function. */
  readonly serverlessConcurrency: number;
  /** The CPU the lanes' processes share: its cores, and how crowded it was (runnable-sampler.ts), where measured. */
  readonly cpu: CpuContention;
}

/** The figures compared between the live run and its simulation. */
export interface FidelityFigures {
  readonly attainment: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly edgeShare: number;
  readonly replans: number;
}

export function simulationInput(
  arrivalsMs: Float64Array,
  durationS: number,
  link: BandwidthTrace,
  /** The profiles file's content (edgebatch-profiles/1), as the scheduler read it. */
  profiles: unknown,
  options: { payloadBytes: number; serverlessConcurrency: number; calibration?: RunnableCounts; replay?: RunnableCounts },
): StackSimulationInput {
  const { calibration, replay } = options;
  return {
    arrivalsMs: Array.from(arrivalsMs).filter((t) => t < durationS * 1000),
    link: { startsMs: Array.from(link.startsMs), mbps: Array.from(link.mbps), periodMs: link.periodMs },
    profiles,
    payloadBytes: options.payloadBytes,
    serverlessConcurrency: options.serverlessConcurrency,
    cpu: {
      cores: availableParallelism(),
      // Calibration times one call at a time: what else was ready to run then slowed it as much as it does now.
      ...(calibration ? { calibrationRunnable: calibration.all } : {}),
      ...(replay ? { backgroundThreads: Math.max(0, replay.all - replay.lanes) } : {}),
    },
  };
}

/** The live figures: as the summary counts them (errors are misses; percentiles of the answered requests). */
export function liveFigures(records: readonly ReplayRecord[], sloMs: number, replans: number): FidelityFigures {
  const summary = summarise(records, sloMs);
  return { attainment: summary.sloAttainment, p50Ms: summary.latencyP50Ms, p99Ms: summary.latencyP99Ms, edgeShare: summary.edgeShare, replans };
}

/** The run simulated under `ours` with the scheduler's configured defaults, as the local stack starts it. */
export function simulateStackRun(input: StackSimulationInput, sloMs: number, durationS: number): FidelityFigures {
  const profiles = parseProfiles(JSON.stringify(input.profiles), 'the run record');
  const edge = EdgeLaneConfigSchema.parse({});
  const serverless = ServerlessLaneConfigSchema.parse({});
  const bounds = PlannerBoundsSchema.parse({});
  const result = simulate({
    arrivalsMs: Float64Array.from(input.arrivalsMs),
    durationMs: durationS * 1000,
    bandwidth: bandwidthTrace(input.link.startsMs, input.link.mbps, input.link.periodMs),
    profiles,
    sloMs,
    sloTarget: SloConfigSchema.parse({}).target,
    policies: ['ours'],
    planners: defaultPlanners(DEFAULT_PRICES, {
      maxBatch: { edge: bounds.maxEdgeBatch, serverless: bounds.maxServerlessBatch },
      maxInstances: input.serverlessConcurrency,
    }),
    options: {
      payloadBytes: input.payloadBytes,
      tracedLane: 'edge',
      fixedLaneMbps: serverless.initialBandwidthMbps,
      rttMs: { edge: LOOPBACK_RTT_MS, serverless: LOOPBACK_RTT_MS },
      assumedRttMs: { edge: edge.rttMs, serverless: serverless.rttMs },
      // One process, loaded before it listens (never cold), computing one call at a time: onnxruntime-node runs
      // a session on the event loop, so the scheduler's calls in flight wait their turn in it.
      serverlessSerial: true,
      instanceLimit: input.serverlessConcurrency,
      openingInstances: input.serverlessConcurrency,
      keepAliveMs: Number.MAX_SAFE_INTEGER,
      sharedCpu: input.cpu,
    },
  });
  const run = result.runs[0]!;
  return {
    attainment: run.result.sloAttainment,
    p50Ms: run.result.latencyP50Ms,
    p99Ms: run.result.latencyP99Ms,
    edgeShare: run.answeredEdgeShare,
    replans: run.result.replans,
  };
}
