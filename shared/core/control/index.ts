export { ReplanController, type ControllerEstimates, type ControllerPlanRequest, type ControllerRecord, type ReplanControllerOptions } from './replan-controller.js';
export { samePlan } from './same-plan.js';
export { RecentLinkEstimate } from './recent-link.js';
