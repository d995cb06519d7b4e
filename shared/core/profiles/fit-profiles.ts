import { EngineError } from '../errors.js';
import { planeRegression } from '../stats/plane-regression.js';
import type { LatencyModel, ProfileSet, ServerlessOption } from '../types.js';
import { DEFAULT_TAIL_QUANTILE, fitLatencyModel, tailLine, thin } from './fit.js';
import type { LatencySample } from './measurements.js';
import { defaultCpuForMemory } from './serverless-cpu.js';

export interface ProfileFitOptions {
  readonly tailQuantile?: number;
  /**
   * Largest edge batch the fit uses. Default 200: the prototype's edge grid tops out at 200 and the Orin's
   * latency is concave in batch size (flat to ~64, then rising), so a line through 1..1000 would misstate
   * the small batches the planner actually picks.
   */
  readonly edgeMaxBatch?: number;
  /**
   * Cold-start time for every serverless option (ms). The prototype's files cannot separate it (no call is
   * marked cold), so this is an assumption: 2000 ms, between FC's "hundreds of ms to seconds" for a runtime
   * start and the time to load a ~100 MB ONNX model from a layer. Replace it with measured FC timings.
   */
  readonly coldStartMs?: number;
  /**
   * Memory sizes (MB) to offer beyond those measured, from a plane fit of latency on batch and memory over
   * all serverless samples (the prototype's own model form). Default [4096], the top of the prototype's
   * grid, one step past the measured 3072. Only offered when the fitted memory slope is not positive (more
   * memory, hence more vCPU, is never modelled as slower); marked "extrapolated" in the set's source.
   */
  readonly extrapolateMemoryMb?: readonly number[];
  readonly gbPerVcpu?: number;
}

export const DEFAULT_COLD_START_MS = 2000;
export const DEFAULT_EDGE_MAX_BATCH = 200;

/** Fits the edge lane (one model) and one serverless option per memory size measured (plus extrapolated ones). */
export function fitProfileSet(edge: readonly LatencySample[], serverless: readonly LatencySample[], source: string, options: ProfileFitOptions = {}): ProfileSet {
  const tailQuantile = options.tailQuantile ?? DEFAULT_TAIL_QUANTILE;
  const edgeModel = fitLatencyModel(edge, { tailQuantile, maxBatch: options.edgeMaxBatch ?? DEFAULT_EDGE_MAX_BATCH });
  const { options: serverlessOptions, extrapolated } = fitServerlessOptions(serverless, options);
  const note = extrapolated.length > 0 ? ` (serverless ${extrapolated.join(', ')} MB extrapolated)` : '';
  return { edge: edgeModel, serverless: serverlessOptions, source: `${source}${note}` };
}

export function fitServerlessOptions(
  samples: readonly LatencySample[],
  options: ProfileFitOptions = {},
): { options: ServerlessOption[]; extrapolated: number[] } {
  const tailQuantile = options.tailQuantile ?? DEFAULT_TAIL_QUANTILE;
  const coldStartMs = options.coldStartMs ?? DEFAULT_COLD_START_MS;
  const byMemory = new Map<number, LatencySample[]>();
  for (const sample of samples) {
    const group = byMemory.get(sample.memoryMb) ?? [];
    group.push(sample);
    byMemory.set(sample.memoryMb, group);
  }
  const result: ServerlessOption[] = [];
  for (const memoryMb of [...byMemory.keys()].sort((a, b) => a - b)) {
    const group = byMemory.get(memoryMb)!;
    if (new Set(group.map((s) => s.batch)).size < 2) {
      throw new EngineError('invalid_input', `Expected at least 2 distinct batch sizes for serverless memory ${memoryMb} MB, got ${group.length} samples at one size`);
    }
    result.push({ config: { memoryMb, cpu: defaultCpuForMemory(memoryMb, options.gbPerVcpu) }, latency: fitLatencyModel(group, { tailQuantile }), coldStartMs });
  }
  const extrapolated: number[] = [];
  const wanted = (options.extrapolateMemoryMb ?? [4096]).filter((m) => !byMemory.has(m));
  if (wanted.length > 0 && byMemory.size >= 2) {
    const plane = planeRegression(samples.map((s) => s.batch), samples.map((s) => s.memoryMb), samples.map((s) => s.latencyMs));
    if (plane.slopeY <= 0 && plane.slopeX > 0) {
      const residuals = samples.map((s) => {
        const fitted = plane.intercept + plane.slopeX * s.batch + plane.slopeY * s.memoryMb;
        return { relative: (s.latencyMs - fitted) / fitted, squared: (s.latencyMs - fitted) ** 2 };
      });
      for (const memoryMb of wanted.sort((a, b) => a - b)) {
        const mean = { baseMs: plane.intercept + plane.slopeY * memoryMb, perItemMs: plane.slopeX };
        if (!(mean.baseMs > 0)) continue;
        const relative = residuals.map((r) => r.relative);
        const latency: LatencyModel = {
          mean,
          p99: tailLine(mean, relative, tailQuantile),
          relativeResiduals: thin(relative, 1000),
          samples: samples.length,
          rmseMs: Math.sqrt(residuals.reduce((sum, r) => sum + r.squared, 0) / residuals.length),
        };
        result.push({ config: { memoryMb, cpu: defaultCpuForMemory(memoryMb, options.gbPerVcpu) }, latency, coldStartMs });
        extrapolated.push(memoryMb);
      }
    }
  }
  return { options: result, extrapolated };
}
