import { EngineError, expected } from '../errors.js';
import type { ServerlessConfig } from '../types.js';
import type { PriceTable } from './prices.js';

/**
 * The FC 3.0 compute-unit (CU) cost model: an active instance bills vCPU-seconds and GB-seconds while it runs,
 * every call bills a fixed number of CU, and the CU has a USD price. Durations are billed as measured
 * (the per-millisecond granularity of FC 3.0 is assumed; rounding up to 1 ms changes nothing at our scale).
 */

/** CU per second of an active instance of this configuration. */
export function activeCuPerSecond(prices: PriceTable, config: ServerlessConfig): number {
  return config.cpu * prices.cuPerVcpuSecond.value + (config.memoryMb / 1024) * prices.cuPerGbSecond.value;
}

/** USD for one serverless call of the given billed duration (ms), per-call fee included. */
export function serverlessCallCostUsd(prices: PriceTable, config: ServerlessConfig, durationMs: number): number {
  if (!(durationMs >= 0) || !Number.isFinite(durationMs)) throw new EngineError('internal', expected('a call duration >= 0 ms', durationMs));
  return prices.usdPerCu.value * (activeCuPerSecond(prices, config) * (durationMs / 1000) + prices.cuPerCall.value);
}

/**
 * USD a cold start adds: the instance is active (and billed) while it starts, so its start time is billed
 * like run time. (FC 3.0 bills the initializer and start-up as active time; no per-call fee of its own.)
 */
export function coldStartCostUsd(prices: PriceTable, config: ServerlessConfig, coldStartMs: number): number {
  if (!(coldStartMs >= 0) || !Number.isFinite(coldStartMs)) throw new EngineError('internal', expected('a cold-start time >= 0 ms', coldStartMs));
  return prices.usdPerCu.value * activeCuPerSecond(prices, config) * (coldStartMs / 1000);
}

/** USD the edge box costs over a span of time (amortised; paid whether busy or idle). */
export function edgeCostUsd(prices: PriceTable, durationMs: number): number {
  if (!(durationMs >= 0) || !Number.isFinite(durationMs)) throw new EngineError('internal', expected('a duration >= 0 ms', durationMs));
  return prices.edgeUsdPerHour.value * (durationMs / 3_600_000);
}

/**
 * USD per second of one warm (provisioned or minimum) instance while it is idle: FC 3.0 bills an idle instance's
 * memory (0.15 CU per GB-second) and not its vCPU. Busy, it bills as any active instance (serverlessCallCostUsd).
 */
export function warmIdleUsdPerSecond(prices: PriceTable, config: ServerlessConfig): number {
  return prices.usdPerCu.value * (config.memoryMb / 1024) * prices.cuPerGbSecond.value;
}
