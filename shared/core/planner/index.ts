export { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES, DEFAULT_SLO_TARGET, InfeasibleSloError, validatePlannerInput, type PlannerBounds, type PlannerInput } from './input.js';
export { minFeasibleSloMs, plan, planForTarget, tryPlan } from './plan.js';
export { planSeed, seedChoice, SEED, type SeedChoice } from './seed.js';
export { planCapacityRps } from './capacity.js';
export { planBestEffort } from './best-effort.js';
export { evaluatePlan, searchGoodput, goodputPlan } from './goodput.js';
export { edgeAttainment, serverlessAttainment, fractionWithin } from './attainment.js';
export { expectedSingleMs, tailServiceMs } from './service-time.js';
