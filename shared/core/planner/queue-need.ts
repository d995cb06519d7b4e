/**
 * The requests a plan's waits hold in the scheduler's queue at the planned rate, against the queue's admission
 * bound (PlannerBounds.maxQueued). A request is held from its arrival until its batch leaves: while the batch
 * gathers (until the batch limit is reached or the timeout passes) and while it waits for the batch before it
 * to be served. At rate x a lane whose requests wait up to W holds the x W that arrive meanwhile (Little's law at
 * the longest wait, not the mean one: the bound must hold through the long waits too). W is the longest wait of
 * the lane's modelled latency shape (attainment.ts: the span a batch gathers or waits over, or the timeout that
 * cuts its first request's wait off), at most the SLO: the deadline rule drops a request no lane can answer in
 * time any more, so none waits longer. A lane past its capacity (the model serves only part of its rate) holds
 * requests until the deadline rule drops them: W is the SLO.
 *
 * A plan needing more than the bound is not a plan the queue can carry out: admission would refuse the very
 * requests its waits count on. The search skips such lane picks (goodput.ts): each lane gets the share of the
 * bound that its share of the rate is, so the lanes together stay within it.
 */
import type { Plan } from '../types.js';
import { edgeAttainment, serverlessAttainment, type LaneAttainment } from './attainment.js';
import type { PlannerInput } from './input.js';
import { nearestServerlessOption } from './lane-choices.js';

/** The longest a request waits in the queue on a lane under `result` (ms, at most the SLO). */
export function longestQueueWaitMs(input: PlannerInput, result: LaneAttainment): number {
  const { shape } = result;
  if (!(shape.served >= 1)) return input.sloMs;
  let longestMs = 0;
  for (const part of shape.parts) longestMs = Math.max(longestMs, part.spanMs, part.firstWait?.timeoutMs ?? 0);
  return Math.min(input.sloMs, longestMs);
}

/** Requests a lane serving `laneRateRps` holds in the queue under `result` (its modelled latency shape). */
export function laneQueueNeed(input: PlannerInput, laneRateRps: number, result: LaneAttainment): number {
  return laneRateRps > 0 ? (laneRateRps * longestQueueWaitMs(input, result)) / 1000 : 0;
}

/** Whether a lane pick at `laneRateRps` fits its share of the queue's bound. */
export function fitsQueue(input: PlannerInput, laneRateRps: number, result: LaneAttainment): boolean {
  if (!(laneRateRps > 0) || !(input.rateRps > 0)) return true;
  const allowance = (input.bounds.maxQueued * laneRateRps) / input.rateRps;
  // Nothing waits longer than the SLO: at these rates no pick can need more than the bound (the usual case, and
  // no latency quantile to compute).
  if ((laneRateRps * input.sloMs) / 1000 <= allowance) return true;
  return laneQueueNeed(input, laneRateRps, result) <= allowance;
}

/** Requests a whole plan holds in the queue at the input's rate: the sum over its lanes (laneQueueNeed). */
export function planQueueNeed(input: PlannerInput, plan: Plan): number {
  const { edge, serverless } = plan.lanes;
  const edgeRate = input.rateRps * edge.share;
  const serverlessRate = input.rateRps * serverless.share;
  const option = nearestServerlessOption(input.profiles, plan.serverless.memoryMb);
  let need = 0;
  if (edgeRate > 0) need += laneQueueNeed(input, edgeRate, edgeAttainment(input, edge.batchSize, edge.timeoutMs, edgeRate));
  if (serverlessRate > 0 && option) {
    need += laneQueueNeed(input, serverlessRate, serverlessAttainment(input, option, serverless.batchSize, serverless.timeoutMs, serverlessRate, plan.warmInstances));
  }
  return need;
}
