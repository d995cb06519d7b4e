export { DEFAULT_SIM_OPTIONS, resolveSimOptions, type SimOptions } from './config.js';
export { simulatePolicy, serverlessOption, type SimInput } from './simulate-policy.js';
export { defaultPlanners, plannerInput } from './planners.js';
export { createPolicy, ONLINE_POLICIES, POLICY_NAMES, type PolicyName, type PolicyTuning } from './policies/index.js';
export type { BatchFeedback, Observation, PlanFunction, PlanRequest, Planners, PolicyContext, SimPolicy, TraceTruth } from './policy.js';
export { simulate, traceTruth, type SimulationRequest, type SimulationResult } from './simulate.js';
export type { PolicyResult, PolicyRun } from './summary.js';
export type { ReplanEvent, SecondSeries } from './recorder.js';
export { checkAttainmentModel, type ModelCheck, type ModelCheckScenario } from './model-check.js';
