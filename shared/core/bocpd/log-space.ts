/**
 * The recursion's step in log space, for the rare step whose weights, computed as plain numbers scaled by
 * the prior's predictive, would overflow (a run predicting x better than the prior by more than e^640).
 * Writes the normalised joint weights of the n + 1 hypotheses (the last one new) into `weights` and returns
 * ln of their unnormalised sum relative to `top`, i.e. the step's log evidence minus `top`.
 */
export function reweighInLogSpace(probs: Float64Array, logPredictive: Float64Array, weights: Float64Array, n: number, top: number, hazard: number): number {
  const logGrowth = Math.log1p(-hazard);
  for (let i = 0; i < n; i += 1) weights[i] = Math.log(probs[i]!) + logGrowth + logPredictive[i]! - top;
  weights[n] = (n === 0 ? 0 : Math.log(hazard)) + logPredictive[n]! - top;
  let max = -Infinity;
  for (let i = 0; i <= n; i += 1) if (weights[i]! > max) max = weights[i]!;
  let sum = 0;
  for (let i = 0; i <= n; i += 1) {
    weights[i] = Math.exp(weights[i]! - max);
    sum += weights[i]!;
  }
  for (let i = 0; i <= n; i += 1) weights[i] = weights[i]! / sum;
  return max + Math.log(sum);
}
