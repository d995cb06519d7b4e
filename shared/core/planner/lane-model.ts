/**
 * The planner's model of one lane: how long the first request of a batch waits, how big batches get under a
 * timeout, and how long a batch is on the wire. Arrivals to a lane are Poisson (a random split of Poisson
 * traffic is Poisson), so:
 *  - the first request of a batch waits for b - 1 more arrivals: Erlang(b - 1, rate), cut off by the timeout;
 *  - a batch holds 1 + min(Poisson(rate T), b - 1) requests.
 * Times in ms, rates in req/s.
 */
import { erlangCdf } from '../stats/erlang-cdf.js';
import { erlangQuantile } from '../stats/erlang-quantile.js';
import { truncatedPoissonMean } from '../stats/truncated-poisson-mean.js';
import type { LinearLatency } from '../types.js';

export function latencyAt(line: LinearLatency, batch: number): number {
  return line.baseMs + line.perItemMs * batch;
}

/** The most requests per second a link can carry at `maxUtilisation` of its bandwidth (Mbit/s). */
export function linkCapacityRps(payloadBytes: number, bandwidthMbps: number, maxUtilisation: number): number {
  return payloadBytes > 0 ? (maxUtilisation * bandwidthMbps * 1e6) / (payloadBytes * 8) : Infinity;
}

/** Time to send a batch's payload at the lane's bandwidth (Mbit/s), ms. */
export function transferMs(batch: number, payloadBytes: number, bandwidthMbps: number): number {
  return (batch * payloadBytes * 8) / (bandwidthMbps * 1000);
}

/** The q-quantile of the first request's wait: Erlang(b - 1, rate) capped by the timeout. */
export function waitQuantileMs(q: number, batch: number, rateRps: number, timeoutMs: number): number {
  if (batch <= 1 || timeoutMs <= 0) return 0;
  if (!(rateRps > 0)) return timeoutMs;
  return Math.min(timeoutMs, erlangQuantile(q, batch - 1, rateRps) * 1000);
}

/** P(first request's wait <= x ms): Erlang(b - 1, rate) cut off by the timeout. */
export function waitCdf(xMs: number, batch: number, rateRps: number, timeoutMs: number): number {
  if (batch <= 1 || xMs >= timeoutMs) return 1;
  if (!(rateRps > 0) || xMs <= 0) return 0;
  return erlangCdf(xMs / 1000, batch - 1, rateRps);
}

/** Expected batch size under timeout T: 1 + E[min(Poisson(rate T), b - 1)]. */
export function expectedBatchSize(batch: number, rateRps: number, timeoutMs: number): number {
  if (batch <= 1 || !(rateRps > 0) || timeoutMs <= 0) return 1;
  return 1 + truncatedPoissonMean((rateRps * timeoutMs) / 1000, batch - 1);
}

/**
 * The q-quantile of the first request's time from arrival to the start of its batch's service on a single
 * server (the edge), counting the wait behind the previous batch. That batch closed a gap G ~ Exp(rate)
 * before this request arrived and runs for (at most, at the tail) `previousServiceMs`, so this batch starts
 * after max(W, previousServiceMs - G). W and G are independent (arrivals after vs before the request), so
 *
 *   P(start <= x) = P(W <= x) * P(G >= previousServiceMs - x) = P(W <= x) * exp(-rate (previousServiceMs - x)^+)
 *
 * solved for the q-quantile by bisection. (A first-order model: it ignores chains of backlog, which the
 * utilisation bound keeps rare.)
 */
export function edgeStartQuantileMs(q: number, batch: number, rateRps: number, timeoutMs: number, previousServiceMs: number): number {
  const waitQ = waitQuantileMs(q, batch, rateRps, timeoutMs);
  if (!(rateRps > 0) || waitQ >= previousServiceMs) return waitQ;
  const cdf = (x: number) => waitCdf(x, batch, rateRps, timeoutMs) * Math.exp((-rateRps * Math.max(0, previousServiceMs - x)) / 1000);
  let lo = Math.max(waitQ, previousServiceMs + (1000 * Math.log(q)) / rateRps);
  let hi = previousServiceMs;
  if (cdf(lo) >= q) return lo;
  for (let i = 0; i < 40 && hi - lo > 0.01; i += 1) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) >= q) hi = mid;
    else lo = mid;
  }
  return hi;
}
