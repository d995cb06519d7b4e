/** Every policy the simulator compares, by name: ours, the prototype's and the baselines it is measured against. */
import { EngineError, expected } from '../../errors.js';
import type { PolicyContext, SimPolicy } from '../policy.js';
import { aimdPolicy } from './aimd.js';
import { intervalPolicy } from './interval.js';
import { oraclePolicy } from './oracle.js';
import { oursPolicy, periodicPolicy, type OursOptions } from './ours.js';
import { staticPolicy } from './static.js';

export const POLICY_NAMES = ['ours', 'periodic', 'seed', 'batch', 'aimd', 'static', 'edge-only', 'serverless-only', 'oracle'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** The policies the online targets compare `ours` against (oracle has hindsight; static never adapts but counts). */
export const ONLINE_POLICIES: readonly PolicyName[] = ['ours', 'periodic', 'seed', 'batch', 'aimd', 'static', 'edge-only', 'serverless-only'];

export interface PolicyTuning {
  /** periodic's re-plan interval (ms). Default 5,000. */
  readonly periodicMs?: number;
  readonly ours?: OursOptions;
}

export function createPolicy(name: string, context: PolicyContext, tuning: PolicyTuning = {}): SimPolicy {
  const every5s = 5_000;
  switch (name as PolicyName) {
    case 'ours':
      return oursPolicy(context, tuning.ours);
    case 'periodic':
      return periodicPolicy(context, tuning.periodicMs ?? every5s, tuning.ours);
    case 'seed':
      return intervalPolicy(context, { name, planner: context.planners.seed, everyMs: every5s, reason: 'periodic' });
    case 'edge-only':
      return intervalPolicy(context, { name, planner: context.planners.ours, everyMs: every5s, reason: 'periodic', lanes: { edge: true, serverless: false } });
    case 'serverless-only':
      return intervalPolicy(context, { name, planner: context.planners.ours, everyMs: every5s, reason: 'periodic', lanes: { edge: false, serverless: true } });
    case 'batch':
      // BATCH (Ali et al., SC'20) serves from serverless functions only and re-fits its arrival model and
      // (batch, timeout, memory) choice hourly. Simplifications: the arrival model is Poisson at the mean rate
      // since the last fit (BATCH fits a richer process), the analytical choice is our planner's serverless
      // search (Erlang wait tails, truncated-Poisson batch sizes), and a first re-fit at 60 s replaces the
      // one-second initial estimate (BATCH profiles the workload before serving).
      return intervalPolicy(context, { name, planner: context.planners.ours, everyMs: 3_600_000, reason: 'periodic', lanes: { edge: false, serverless: true }, warmUpMs: 60_000 });
    case 'aimd':
      return aimdPolicy(context);
    case 'static':
      return staticPolicy(context);
    case 'oracle':
      return oraclePolicy(context);
    default:
      throw new EngineError('invalid_input', expected(`a policy in ${POLICY_NAMES.join(', ')}`, name));
  }
}
