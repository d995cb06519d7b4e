import type { LaneId, LatencyModel, Plan, ProfileSet } from '../../../shared/core/types.js';
import type { BatchDispatch, BatchOutcome } from '../../../functions/scheduler/lanes/batch-runner.js';
import type { Lane } from '../../../functions/scheduler/lanes/lane.js';
import { EngineError } from '../../../shared/core/errors.js';
import { LiveStateCell, type LiveState } from '../../../functions/scheduler/live-state.js';
import { SchedulerConfigSchema } from '../../../shared/protocol/config.js';

const model = (baseMs: number, perItemMs: number): LatencyModel => ({
  mean: { baseMs, perItemMs },
  p99: { baseMs: baseMs * 1.2, perItemMs: perItemMs * 1.2 },
  relativeResiduals: [0],
  samples: 10,
  rmseMs: 1,
});

export const PROFILES: ProfileSet = {
  edge: model(5, 1),
  serverless: [{ config: { memoryMb: 2048, cpu: 1 }, latency: model(10, 2), coldStartMs: 100 }],
  source: 'test',
};

export function makePlan(edge: { batchSize: number; timeoutMs: number; share: number }, serverlessBatch = 2): Plan {
  return {
    policy: 'test',
    createdAtMs: 0,
    reason: 'manual',
    rateRps: 10,
    bandwidthMbps: { edge: 1000, serverless: 1000 },
    sloMs: 2000,
    sloTarget: 0.999,
    lanes: { edge, serverless: { batchSize: serverlessBatch, timeoutMs: 20, share: 1 - edge.share } },
    serverless: { memoryMb: 2048, cpu: 1 },
    warmInstances: 0,
    predicted: { p99LatencyMs: { edge: 100, serverless: 100 }, costPerMillionUsd: 1, edgeUtilisation: 0.5, attainment: 1 },
  };
}

/** An in-process lane whose answers the test controls (the engine's unit tests; real HTTP is tested elsewhere). */
export class ScriptedLane implements Lane {
  readonly batches: BatchDispatch[] = [];
  inFlight = 0;
  isHealthy = true;
  failWith: EngineError | undefined;

  constructor(
    readonly id: LaneId,
    private readonly slots = 4,
  ) {}

  healthy(): boolean {
    return this.isHealthy;
  }
  freeSlots(): number {
    return this.isHealthy ? this.slots - this.inFlight : 0;
  }
  status(): unknown {
    return { inFlight: this.inFlight };
  }

  async run(dispatch: BatchDispatch): Promise<BatchOutcome> {
    this.batches.push(dispatch);
    this.inFlight += 1;
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.failWith) throw this.failWith;
      return {
        response: {
          batchId: dispatch.batchId,
          model: 'scripted',
          results: dispatch.items.map((item) =>
            item.data[0] === 0xee
              ? { id: item.id, ok: false as const, error: { code: 'bad_image', message: 'cannot decode' } }
              : { id: item.id, ok: true as const, labels: [{ label: this.id, score: 1 }] },
          ),
          timings: { preprocessMs: 1, inferMs: 2, totalMs: 3 },
        },
        roundTripMs: 5,
        bytesSent: 100,
        target: `${this.id}-target`,
      };
    } finally {
      this.inFlight -= 1;
    }
  }
}

export const lanesFailing = (code: 'lane_failed' | 'deadline_exceeded') => new EngineError(code, `scripted ${code}`, undefined, true);

/** The live state an engine test runs on: a parsed default config with the given SLO, and the given plan, profiles and links. */
export function liveState(options: { readonly sloMs: number; readonly plan: Plan; readonly links?: LiveState['links'] }): LiveStateCell {
  const config = SchedulerConfigSchema.parse({ server: { host: '127.0.0.1' }, slo: { latencyMs: options.sloMs } });
  const links = options.links ?? { edge: { bandwidthMbps: 1000, rttMs: 1 }, serverless: { bandwidthMbps: 1000, rttMs: 1 } };
  return new LiveStateCell({ config, plan: options.plan, profiles: PROFILES, links });
}
