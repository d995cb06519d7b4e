/**
 * The Poisson(mean) probabilities P(X = k) and running CDF P(X <= k), walked up from k = 0 with the term
 * recurrence in log space (log P(X = k) = log P(X = k - 1) + log(mean) - log(k)), kept for the few means last
 * asked. The planner's warm-pool search asks the same mean many times over (its quantiles, its idle pool per
 * warm count): each term is computed once and read back, the very number a fresh walk would give.
 */
export class PoissonTerms {
  private readonly logMean: number;
  private logTerm: number;
  /** P(X = k) for k < length. */
  private readonly terms: number[] = [];
  /** P(X <= k) for k < length, summed upwards as a fresh walk sums it. */
  private readonly cdfs: number[] = [];

  constructor(readonly mean: number) {
    this.logMean = Math.log(mean);
    this.logTerm = -mean;
    const first = Math.exp(this.logTerm);
    this.terms.push(first);
    this.cdfs.push(first);
  }

  /** P(X = k). */
  term(k: number): number {
    this.extend(k);
    return this.terms[k]!;
  }

  /** P(X <= k). */
  cdf(k: number): number {
    this.extend(k);
    return this.cdfs[k]!;
  }

  private extend(k: number): void {
    for (let i = this.terms.length; i <= k; i += 1) {
      this.logTerm += this.logMean - Math.log(i);
      const term = Math.exp(this.logTerm);
      this.terms.push(term);
      this.cdfs.push(this.cdfs[i - 1]! + term);
    }
  }
}

/** How many means' terms are kept: the searches ask a few means in turn, then move on. */
const KEPT = 8;
const kept: PoissonTerms[] = [];
let next = 0;

/** The terms for `mean` (finite, > 0), walked afresh or kept from a recent call. */
export function poissonTerms(mean: number): PoissonTerms {
  for (const terms of kept) if (terms.mean === mean) return terms;
  const terms = new PoissonTerms(mean);
  kept[next] = terms;
  next = (next + 1) % KEPT;
  return terms;
}
