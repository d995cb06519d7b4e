/**
 * Independent reference maths for the BOCPD tests, written apart from the implementation: the Lanczos
 * log-gamma (g = 7, n = 9; Press et al., Numerical Recipes 3rd ed., section 6.1 coefficients), closed-form
 * predictive densities from batch posterior parameters, and the full O(t^2) run-length recursion with no
 * pruning, no caching and no incremental updates.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function lanczosLogGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lanczosLogGamma(1 - z);
  const w = z - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i += 1) sum += LANCZOS[i]! / (w + i);
  const t = w + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (w + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln NB(x; shape a, p = b / (b + e)): the Poisson-Gamma predictive of a count over exposure e. */
export function negativeBinomialLogPmf(x: number, a: number, b: number, e: number): number {
  return lanczosLogGamma(a + x) - lanczosLogGamma(a) - lanczosLogGamma(x + 1) + a * Math.log(b / (b + e)) + x * Math.log(e / (b + e));
}

/** ln of the Student-t density with nu degrees of freedom, location mu, scale sigma. */
export function studentTLogPdf(x: number, nu: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return (
    lanczosLogGamma((nu + 1) / 2) - lanczosLogGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(sigma) - ((nu + 1) / 2) * Math.log(1 + (z * z) / nu)
  );
}

export interface PoissonPriorRef {
  shape: number;
  rate: number;
}
export interface GaussianPriorRef {
  mean: number;
  kappa: number;
  alpha: number;
  beta: number;
}

/** Batch Normal-Gamma posterior after values xs (Murphy 2007, eqs. 86-89). */
export function normalGammaPosterior(prior: GaussianPriorRef, xs: readonly number[]): GaussianPriorRef {
  const n = xs.length;
  if (n === 0) return prior;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const squares = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return {
    mean: (prior.kappa * prior.mean + n * mean) / (prior.kappa + n),
    kappa: prior.kappa + n,
    alpha: prior.alpha + n / 2,
    beta: prior.beta + squares / 2 + (prior.kappa * n * (mean - prior.mean) ** 2) / (2 * (prior.kappa + n)),
  };
}

export function gaussianPredictiveLogPdf(prior: GaussianPriorRef, history: readonly number[], x: number): number {
  const post = normalGammaPosterior(prior, history);
  return studentTLogPdf(x, 2 * post.alpha, post.mean, Math.sqrt((post.beta * (post.kappa + 1)) / (post.alpha * post.kappa)));
}

export function poissonPredictiveLogPmf(prior: PoissonPriorRef, history: readonly number[], x: number): number {
  const sum = history.reduce((a, b) => a + b, 0);
  return negativeBinomialLogPmf(x, prior.shape + sum, prior.rate + history.length, 1);
}

export interface NaiveStep {
  /** P(r_t = r) for r = 1..t+1, index r - 1. */
  posterior: number[];
  changeProbability: number;
  mapRunLength: number;
  predictiveMean: number;
  logPredictive: number;
}

/**
 * The full recursion, in plain probabilities rescaled by the evidence each step (short series only).
 * Run length r at 0-based step t: the last r observations x_{t-r+1..t} form the current segment.
 */
export function naiveBocpd(
  xs: readonly number[],
  logPredictive: (history: readonly number[], x: number) => number,
  segmentMean: (history: readonly number[]) => number,
  expectedSegmentLength: number,
  changeWindow: number,
): NaiveStep[] {
  const hazard = 1 / expectedSegmentLength;
  let posterior: number[] = [];
  const steps: NaiveStep[] = [];
  for (let t = 0; t < xs.length; t += 1) {
    const x = xs[t]!;
    const joint: number[] = new Array<number>(t + 1).fill(0);
    if (t === 0) {
      joint[0] = Math.exp(logPredictive([], x));
    } else {
      // a new segment starting at t
      joint[0] = hazard * Math.exp(logPredictive([], x));
      for (let r = 1; r <= t; r += 1) {
        const history = xs.slice(t - r, t);
        joint[r] = posterior[r - 1]! * (1 - hazard) * Math.exp(logPredictive(history, x));
      }
    }
    const evidence = joint.reduce((a, b) => a + b, 0);
    posterior = joint.map((j) => j / evidence);
    let changeProbability = 0;
    let map = 0;
    let predictiveMean = 0;
    for (let r = 1; r <= t + 1; r += 1) {
      const p = posterior[r - 1]!;
      if (r <= Math.min(changeWindow, t)) changeProbability += p;
      if (p > posterior[map]!) map = r - 1;
      predictiveMean += p * segmentMean(xs.slice(t - r + 1, t + 1));
    }
    steps.push({ posterior, changeProbability, mapRunLength: map + 1, predictiveMean, logPredictive: Math.log(evidence) });
  }
  return steps;
}
