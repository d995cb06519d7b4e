/** From a row of model outputs to the top-k labels with scores. */
import type { Label } from '../protocol/batch.js';

/** Numerically stable softmax: exp(x_i - max) / sum_j exp(x_j - max). */
export function softmax(values: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.exp(values[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

/** The k highest scores, best first; ties keep the lower class index first (a stable, deterministic order). */
export function topK(scores: ArrayLike<number>, k: number, labels: readonly string[] | undefined): Label[] {
  const order = Array.from({ length: scores.length }, (_, index) => index);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, Math.min(k, scores.length)).map((index) => ({ label: labels?.[index] ?? String(index), score: scores[index]! }));
}
