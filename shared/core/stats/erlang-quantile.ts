import { EngineError, expected } from '../errors.js';
import { erlangCdf } from './erlang-cdf.js';

/**
 * The p-quantile of Erlang(shape k, rate): the t with P(S_k <= t) = p.
 *
 * Started from the Wilson-Hilferty cube-root normal approximation of the Gamma distribution,
 *   t0 = (k / rate) (1 - 1/(9k) + z_p sqrt(1/(9k)))^3,
 * then refined by safeguarded Newton steps on the exact CDF (density rate^k t^{k-1} e^{-rate t} / (k-1)!),
 * falling back to bisection inside a bracket that always contains the root, to a relative 1e-10.
 * References: Wilson and Hilferty (1931), "The distribution of chi-square", PNAS 17; Johnson, Kotz and
 * Balakrishnan, Continuous Univariate Distributions vol. 1, ch. 17.
 */
export function erlangQuantile(p: number, shape: number, rate: number): number {
  if (!(p >= 0 && p < 1)) throw new EngineError('internal', expected('a probability in [0, 1)', p));
  if (!Number.isInteger(shape) || shape < 0) throw new EngineError('internal', expected('an integer Erlang shape >= 0', shape));
  if (!(rate > 0) || !Number.isFinite(rate)) throw new EngineError('internal', expected('a finite rate > 0', rate));
  if (shape === 0 || p === 0) return 0;

  const z = standardNormalQuantile(p);
  const c = 1 / (9 * shape);
  let t = Math.max((shape / rate) * Math.pow(Math.max(1 - c + z * Math.sqrt(c), 0.01), 3), 1e-12);
  let lo = 0;
  let hi = Infinity;
  const logNorm = logFactorial(shape - 1);
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const f = erlangCdf(t, shape, rate) - p;
    if (f > 0) hi = Math.min(hi, t);
    else lo = Math.max(lo, t);
    const density = Math.exp(shape * Math.log(rate) + (shape - 1) * Math.log(t) - rate * t - logNorm);
    let next = density > 0 ? t - f / density : NaN;
    if (!(next > lo && next < hi)) next = hi === Infinity ? Math.max(2 * t, lo * 2 + 1 / rate) : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-10 * t) return next;
    t = next;
  }
  return t;
}

function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i += 1) sum += Math.log(i);
  return sum;
}

/**
 * Standard normal quantile by Acklam's rational approximation (relative error < 1.2e-9); only a starting
 * point here, so its accuracy is ample. Reference: P. J. Acklam, "An algorithm for computing the inverse
 * normal cumulative distribution function" (2003).
 */
function standardNormalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -standardNormalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
