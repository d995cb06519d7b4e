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

/**
 * A text detector's probability map for one image (H x W values in [0, 1]) as two labels: `text`, the highest
 * pixel probability (is there text at all), and `text-area`, the share of pixels at or above `threshold`.
 */
export function textMapSummary(map: ArrayLike<number>, threshold: number): Label[] {
  let max = 0;
  let above = 0;
  for (let i = 0; i < map.length; i++) {
    const value = map[i]!;
    if (value > max) max = value;
    if (value >= threshold) above += 1;
  }
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  return [
    { label: 'text', score: clamp(max) },
    { label: 'text-area', score: map.length > 0 ? above / map.length : 0 },
  ];
}
