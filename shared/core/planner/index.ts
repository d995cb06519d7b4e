export { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES, InfeasibleSloError, validatePlannerInput, type PlannerBounds, type PlannerInput } from './input.js';
export { minFeasibleSloMs, plan, tryPlan } from './plan.js';
export { planSeed, seedChoice, SEED, type SeedChoice } from './seed.js';
export { planCapacityRps } from './capacity.js';
export { maxFeasibleRate, planBestEffort } from './best-effort.js';
export { expectedSingleMs, tailServiceMs } from './service-time.js';
