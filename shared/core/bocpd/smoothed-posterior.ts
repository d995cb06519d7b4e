/**
 * The posterior probability, given the whole series, that a new segment starts at each index: the exact
 * offline answer (Fearnhead, "Exact and efficient Bayesian inference for multiple changepoint problems",
 * Statistics and Computing 2006) from two runs of the online recursion, one forwards and one backwards.
 *
 * With a constant hazard H the prior over segmentations gives every boundary between neighbours H and every
 * non-boundary 1 - H, so it is the same read either way in time; and a segment's marginal likelihood under a
 * conjugate model does not depend on the order of its observations. So the evidence of x_t..x_n-1 given that
 * a segment starts at t, B_t = ln p(x_t..x_n-1), is what the recursion accumulates when fed the series
 * backwards from the end down to t. With F_t = ln p(x_0..x_t) accumulated forwards, a segmentation with a
 * boundary before t splits into independent parts before and after it, and
 *
 *   P(a segment starts at t | x_0..x_n-1) = H exp(F_t-1 + B_t - F_n-1),   1 <= t < n.
 *
 * (B_0 = F_n-1: both are the evidence of the whole series.) Inputs are the per-step log predictives each
 * run reports (StepOutput.logPredictive), the backward ones listed in forward index order.
 */
import { EngineError, expected } from '../errors.js';

export function segmentStartPosterior(forward: ArrayLike<number>, backward: ArrayLike<number>, hazard: number): Float64Array {
  const n = forward.length;
  if (backward.length !== n) throw new EngineError('internal', expected(`${n} backward log predictives`, backward.length));
  if (!(hazard > 0 && hazard < 1)) throw new EngineError('invalid_input', expected('a hazard in (0, 1)', hazard));
  // B_t for every t, accumulated from the end.
  const suffix = new Float64Array(n + 1);
  for (let t = n - 1; t >= 0; t -= 1) suffix[t] = suffix[t + 1]! + backward[t]!;
  const logHazard = Math.log(hazard);
  const posterior = new Float64Array(n);
  let prefix = 0; // F_t-1
  let total = 0;
  for (let t = 0; t < n; t += 1) total += forward[t]!;
  for (let t = 1; t < n; t += 1) {
    prefix += forward[t - 1]!;
    posterior[t] = Math.min(1, Math.exp(logHazard + prefix + suffix[t]! - total));
  }
  return posterior;
}
