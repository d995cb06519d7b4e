/**
 * Builds the two lanes from the validated configuration: the edge pool (HTTP to the agents, signed), and the
 * serverless lane (FC InvokeFunction through the real SDK, or plain HTTP to a local inference server).
 */
import { DEFAULT_BOUNDS } from '../../shared/core/planner/input.js';
import type { LaneId } from '../../shared/core/types.js';
import type { SchedulerConfig } from '../../shared/protocol/config.js';
import { FcInvoker, fcCredentialsFromEnv, internalEndpoint, type FcCredentials, type FcInvokerConfig } from './lanes/fc-invoker.js';
import { FcWarmPool, type WarmPoolEvents } from './lanes/fc-warm-pool.js';
import { HttpBatchRunner } from './lanes/http-batch-runner.js';
import { GuardedLane, type Lane } from './lanes/lane.js';

export interface BuiltLanes {
  readonly lanes: Readonly<Record<LaneId, Lane>>;
  /** The edge pool, which also takes heartbeats and new agents from telemetry. */
  readonly edge: HttpBatchRunner;
  /** FC only: keeps the plan's warm (minimum) instances on the inference functions. */
  readonly warmPool?: FcWarmPool;
}

/** Agents report every few seconds; three missed reports take one out of rotation. */
const EDGE_HEARTBEAT_TIMEOUT_MS = 15_000;

/** What the FC invoker and the warm pool both take, every field settled. */
type FcLaneConfig = FcInvokerConfig & {
  readonly memorySizesMb: readonly number[];
  readonly protocol: 'https' | 'http';
  readonly credentials: () => FcCredentials;
};

/**
 * The FC invoker's settings from the validated configuration, or undefined when the serverless lane is not FC.
 * Credentials are read per call: FC rotates a role's STS triple in the environment of a long-lived instance.
 */
export function fcInvokerConfig(config: SchedulerConfig, env: Readonly<Record<string, string | undefined>>): FcLaneConfig | undefined {
  const fc = config.lanes.serverless.fc;
  if (!fc) return undefined;
  return {
    accountId: fc.accountId,
    region: fc.region,
    functionName: fc.functionName,
    memorySizesMb: config.planner.bounds.memoryMbOptions,
    protocol: fc.protocol,
    ...(fc.endpoint ? { endpoint: fc.endpoint } : {}),
    credentials: () => config.security.cloud ?? fcCredentialsFromEnv(env),
  };
}

export function buildLanes(config: SchedulerConfig, env: Readonly<Record<string, string | undefined>>, now: () => number, warmEvents?: WarmPoolEvents): BuiltLanes {
  const edge = new HttpBatchRunner(config.lanes.edge.urls, {
    concurrency: DEFAULT_BOUNDS.edgeSlots, // batches crossing the link and queued at the agent's GPU (the planner assumes the same)
    ...(config.security.edgeSecret ? { secret: config.security.edgeSecret } : {}),
    heartbeatTimeoutMs: EDGE_HEARTBEAT_TIMEOUT_MS,
    now,
  });
  const serverlessConfig = config.lanes.serverless;
  let serverless: Lane;
  let warmPool: FcWarmPool | undefined;
  const fc = fcInvokerConfig(config, env);
  if (fc) {
    warmPool = new FcWarmPool(
      {
        functionName: fc.functionName,
        memorySizesMb: fc.memorySizesMb,
        endpoint: fc.endpoint ?? internalEndpoint(fc.accountId, fc.region),
        protocol: fc.protocol,
        credentials: fc.credentials,
      },
      warmEvents ? { events: warmEvents } : {},
    );
    const invoker = new FcInvoker(fc, { now });
    serverless = new GuardedLane(invoker, serverlessConfig.maxConcurrency, now);
  } else {
    serverless = new HttpBatchRunner(serverlessConfig.url ? [serverlessConfig.url] : [], {
      concurrency: serverlessConfig.maxConcurrency,
      ...(config.security.edgeSecret ? { secret: config.security.edgeSecret } : {}),
      heartbeatTimeoutMs: Infinity,
      now,
    });
  }
  return { lanes: { edge, serverless }, edge, ...(warmPool ? { warmPool } : {}) };
}
