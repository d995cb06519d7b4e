/**
 * The chaos suite's fault schedule: what breaks when, as fractions of the run so that a 40 s CI run and a
 * 5 minute `npm run chaos` exercise the same story. Pure: the runner applies the steps against the live stack.
 *
 * The story, in order:
 *   1. the edge agent is killed (SIGKILL) and later restarted: traffic must move to serverless and come back;
 *   2. it is killed again, and while serverless carries all the traffic the inference function fails (5xx,
 *      throttling, crashes) and stalls: the FC invoker retries within the deadline, then answers a clear error
 *      (faults are queued for the next calls, so they only land while serverless has traffic); then the edge
 *      is restarted;
 *   3. the state store stalls and then fails: the scheduler keeps serving on its last plan.
 */
import type { FaultKind } from '../../functions/inference/fc-api-standin.js';

export type ChaosAction =
  | { readonly kind: 'kill-edge' }
  | { readonly kind: 'restart-edge' }
  | { readonly kind: 'fail-function'; readonly count: number; readonly fault: FaultKind }
  | { readonly kind: 'stall-store'; readonly count: number }
  | { readonly kind: 'fail-store'; readonly count: number };

export interface ChaosStep {
  /** Milliseconds after the replay starts. */
  readonly atMs: number;
  readonly action: ChaosAction;
}

/** A short label for the log and the report. */
export function describeAction(action: ChaosAction): string {
  switch (action.kind) {
    case 'kill-edge':
      return 'kill the edge agent (SIGKILL)';
    case 'restart-edge':
      return 'restart the edge agent';
    case 'fail-function':
      return `inference function: next ${action.count} calls ${action.fault}`;
    case 'stall-store':
      return `state store: stall the next ${action.count} requests`;
    case 'fail-store':
      return `state store: fail the next ${action.count} requests (503)`;
  }
}

/** The default story over a run of `durationMs`. */
export function chaosSchedule(durationMs: number): ChaosStep[] {
  const at = (fraction: number) => Math.round(durationMs * fraction);
  return [
    { atMs: at(0.05), action: { kind: 'kill-edge' } },
    { atMs: at(0.15), action: { kind: 'restart-edge' } },
    // Second outage: with the edge dead, serverless carries everything, so the function's faults all land.
    { atMs: at(0.5), action: { kind: 'kill-edge' } },
    { atMs: at(0.53), action: { kind: 'fail-function', count: 6, fault: 'server-error' } },
    { atMs: at(0.56), action: { kind: 'fail-function', count: 6, fault: 'throttling' } },
    { atMs: at(0.59), action: { kind: 'fail-function', count: 4, fault: 'function-error' } },
    { atMs: at(0.62), action: { kind: 'fail-function', count: 2, fault: 'stall' } },
    { atMs: at(0.68), action: { kind: 'restart-edge' } },
    { atMs: at(0.8), action: { kind: 'stall-store', count: 6 } },
    { atMs: at(0.9), action: { kind: 'fail-store', count: 10 } },
  ];
}
