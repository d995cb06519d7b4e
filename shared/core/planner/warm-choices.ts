import { poissonQuantile } from '../stats/poisson-quantile.js';
import type { ServerlessOption } from '../types.js';
import type { PlannerInput } from './input.js';
import { expectedBatchSize, latencyAt } from './lane-model.js';
import { fullWarmPool } from './lane-choices.js';

/** Quantiles of the in-flight calls that the warm pools between none and the full pool cover. */
const WARM_QUANTILES = [0.9, 0.99, 0.999];

/**
 * Warm pools tried: none (FC scales from zero); the pool that leaves (nearly) no call cold at the forecast's high
 * rate; and pools covering the usual concurrency at a few quantiles in between, which leave only the rarest bursts
 * to a cold start for less idle memory.
 */
export function warmChoices(input: PlannerInput, option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number): number[] {
  const expected = expectedBatchSize(batch, rateRps, timeoutMs);
  const callRate = rateRps / expected;
  const meanMs = latencyAt(option.latency.mean, expected);
  // The account's instance limit caps any pool.
  const pool = Math.min(fullWarmPool(input, callRate, meanMs, rateRps), input.bounds.maxInstances);
  if (!(pool > 0)) return [0];
  const concurrency = (callRate * meanMs) / 1000;
  const between = WARM_QUANTILES.map((q) => poissonQuantile(q, concurrency)).filter((w) => w > 0 && w < pool);
  return [...new Set([0, ...between, pool])];
}
