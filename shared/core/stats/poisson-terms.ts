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

  /**
   * The first k from 0 at which P(X <= k) >= p, or at which k >= limit if that comes first: where a fresh walk
   * upwards would stop. The CDF never decreases (each step adds a term >= 0), so a binary search over the kept
   * walk finds the same k.
   */
  walkTo(p: number, limit: number): number {
    let last = this.cdfs.length - 1;
    while (this.cdfs[last]! < p && last < limit) {
      this.extend(last + 1);
      last += 1;
    }
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdfs[mid]! < p && mid < limit) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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
