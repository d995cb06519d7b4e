import type { ProfileSet, ServerlessConfig } from '../../types.js';

/** The profiled serverless configuration nearest to `memoryMb` (its vCPU as profiled). */
export function serverlessConfigFor(profiles: ProfileSet, memoryMb: number): ServerlessConfig {
  let best = profiles.serverless[0]!;
  for (const option of profiles.serverless) {
    if (Math.abs(option.config.memoryMb - memoryMb) < Math.abs(best.config.memoryMb - memoryMb)) best = option;
  }
  return best.config;
}
