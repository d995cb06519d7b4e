/**
 * Cold starts per second of an on-demand FC function whose in-flight calls are Poisson (M/G/infinity).
 *
 * FC starts an instance when a call finds every running one busy, and reclaims an instance idle past the
 * keep-alive. With instances reused busiest-first, the k-th instance is busy exactly when k or more calls are in
 * flight, so it goes cold when the in-flight count has stayed below k for a keep-alive. A cold start at level k is
 * then an up-crossing from k - 1 to k that had no other up-crossing in the keep-alive before it. Up-crossings of k
 * come at rate u_k = callRate x P(N = k - 1) (a Poisson arrival finding k - 1 in flight); taking them as a Poisson
 * stream, the chance none came in the keep-alive before is exp(-u_k x keepAlive), so
 *
 *   cold starts per second = sum over k > warm of u_k exp(-u_k keepAlive).
 *
 * Levels the load reaches often never go cold; levels it never reaches cost nothing; the levels in between, a few
 * of them, bring about one cold start per keep-alive each, whatever the rate. Instances kept warm (levels up to
 * `warm`) never go cold. Building the pool from nothing (a deployment, a memory switch) is a one-off, not counted.
 */
export function coldStartsPerSecond(callRate: number, meanInFlight: number, warm: number, keepAliveS: number): number {
  if (!(callRate > 0) || !(meanInFlight >= 0)) return 0;
  const levels = coldStartLevels(callRate, meanInFlight, keepAliveS);
  let rate = 0;
  for (let k = Math.max(1, Math.floor(warm) + 1); k <= levels.length; k += 1) rate += levels[k - 1]!;
  return rate;
}

/**
 * Per level k = 1, 2, ... up to where the sum stops, its cold starts per second u_k exp(-u_k keepAlive). They do
 * not depend on the warm instances, which only choose the levels summed: the planner asks the same call rate for
 * many warm pools in a row, so the last levels computed are kept and summed again, the very numbers a fresh walk
 * would give.
 */
let kept: { callRate: number; meanInFlight: number; keepAliveS: number; levels: readonly number[] } | undefined;

/** Past this exponent exp(-x) is exactly 0 in double precision (it underflows below the least subnormal). */
const EXP_UNDERFLOW = 746;

function coldStartLevels(callRate: number, meanInFlight: number, keepAliveS: number): readonly number[] {
  if (kept && kept.callRate === callRate && kept.meanInFlight === meanInFlight && kept.keepAliveS === keepAliveS) return kept.levels;
  const levels: number[] = [];
  // log P(N = k - 1) for k = 1, 2, ... (in logs: exp(-mean) underflows for large means); stop once past the mean
  // and negligible.
  let logPmf = -meanInFlight;
  const logMean = Math.log(meanInFlight);
  for (let k = 1; k < 1_000_000; k += 1) {
    const upCrossings = callRate * Math.exp(logPmf);
    // A level reached this often never goes cold: its term is exactly 0, without computing exp to say so.
    const exponent = upCrossings * keepAliveS;
    levels.push(exponent > EXP_UNDERFLOW && exponent < Infinity ? 0 : upCrossings * Math.exp(-exponent));
    if (k > meanInFlight && upCrossings * keepAliveS < 1e-9) break;
    logPmf += logMean - Math.log(k);
  }
  kept = { callRate, meanInFlight, keepAliveS, levels };
  return kept.levels;
}
