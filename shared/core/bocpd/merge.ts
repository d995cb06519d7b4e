/**
 * Bounding the run-length set by merging, not dropping.
 *
 * The detector holds its hypotheses ordered by run length, longest first. Whenever more than `cap` remain
 * after a step (one more than the step before, in steady state), one is merged into a neighbouring run
 * length: its probability is added to the neighbour's and its own statistics are discarded. Merging keeps
 * the total mass where it was, roughly: the usual rule, dropping the least probable hypothesis and
 * renormalising, hands its mass to every hypothesis in proportion, the newest runs included, which inflates
 * the chance of a recent change and biases the evidence the smoother (smoothed-posterior.ts) accumulates.
 *
 * Which one: the hypothesis whose probability times its relative distance to the neighbour it would go to,
 * p |r - r'| / r, is least. Two runs whose lengths differ by a small fraction hold nearly the same
 * observations, so their predictives nearly agree and little changes when one absorbs the other; a long
 * stable segment's many small "a change happened k steps ago" hypotheses go first, while the few runs
 * around a recent change, which differ by one observation but hold most of the mass, stay resolved. A run
 * older than the change window is never merged into one inside it: repeated merges towards shorter runs
 * would keep that mass young for ever and report a change that is long past. Hypotheses below `threshold`
 * are merged the same way. Slot 0, the longest run, is never merged away.
 *
 * The error this costs is measured, not assumed: the bench reports the largest difference in the change
 * probability from the exact recursion over 1e5 observations of each model, and a test bounds it.
 */

/** The detector's per-hypothesis arrays; `stats` holds `statCount` numbers per slot. */
export interface RunLengthArrays {
  readonly runLengths: Float64Array;
  readonly weights: Float64Array;
  readonly stats: Float64Array;
  readonly means: Float64Array;
  readonly statCount: number;
}

/** Marks `first` and then the `extra` - 1 least probable unmarked slots in [1, total) (rare: several at once). */
function markLeastProbable(probs: Float64Array, marks: Uint8Array, total: number, first: number, extra: number): void {
  marks[first] = 1;
  for (let k = 1; k < extra; k += 1) {
    let weakest = -1;
    let weakestProb = Infinity;
    for (let i = 1; i < total; i += 1) {
      if (marks[i] === 0 && probs[i]! < weakestProb) {
        weakestProb = probs[i]!;
        weakest = i;
      }
    }
    if (weakest < 0) return;
    marks[weakest] = 1;
  }
}

/**
 * Merges the slots to remove into their neighbours and compacts the arrays in place; returns the new count.
 * `below` is how many slots in [1, total) weigh less than `threshold`, `weakest` the one the cap takes first
 * among the others (-1 if none; the detector picks it while computing the weights), `window` the change
 * window; `marks` is scratch of at least `total` bytes.
 */
export function mergeSlots(
  arrays: RunLengthArrays,
  total: number,
  threshold: number,
  cap: number,
  window: number,
  below: number,
  weakest: number,
  marks: Uint8Array,
): number {
  const extra = total - below > cap ? total - below - cap : 0;
  if (below === 0 && extra === 0) return total;
  if (below === 0 && extra === 1 && weakest > 0) return mergeOne(arrays, total, window, weakest);
  const { runLengths, weights: probs, stats, means, statCount } = arrays;
  marks.fill(0, 0, total);
  if (below > 0) for (let i = 1; i < total; i += 1) if (probs[i]! < threshold) marks[i] = 1;
  if (extra > 0 && weakest > 0) markLeastProbable(probs, marks, total, weakest, extra);

  let write = 0;
  let carried = 0; // mass waiting for the next kept slot (it is the nearer neighbour)
  let next = 0; // the next kept slot after the one being read
  for (let read = 0; read < total; read += 1) {
    if (marks[read] === 0) {
      if (read !== write) {
        runLengths[write] = runLengths[read]!;
        means[write] = means[read]!;
        // A plain loop: a handful of numbers, where copyWithin's call overhead would dominate.
        for (let k = 0, from = read * statCount, to = write * statCount; k < statCount; k += 1) stats[to + k] = stats[from + k]!;
      }
      probs[write] = probs[read]! + carried;
      carried = 0;
      write += 1;
      continue;
    }
    if (next <= read) {
      next = read + 1;
      while (next < total && marks[next] === 1) next += 1;
    }
    // Slot 0 is never marked, so a kept slot with a longer run (write - 1) always exists. A run older than
    // the change window never hands its mass to one inside it: that would keep the mass young for ever.
    const r = runLengths[read]!;
    const shorterAllowed = next < total && (r <= window || runLengths[next]! > window);
    if (shorterAllowed && r - runLengths[next]! < runLengths[write - 1]! - r) carried += probs[read]!;
    else probs[write - 1] = probs[write - 1]! + probs[read]!;
  }
  return write;
}

/** The steady state: one slot goes (the cap was passed by the one new hypothesis). Same rule, no marks. */
function mergeOne(arrays: RunLengthArrays, total: number, window: number, slot: number): number {
  const { runLengths, weights, stats, means, statCount } = arrays;
  const r = runLengths[slot]!;
  const shorterAllowed = slot + 1 < total && (r <= window || runLengths[slot + 1]! > window);
  const target = shorterAllowed && r - runLengths[slot + 1]! < runLengths[slot - 1]! - r ? slot + 1 : slot - 1;
  weights[target] = weights[target]! + weights[slot]!;
  for (let read = slot + 1; read < total; read += 1) {
    const write = read - 1;
    runLengths[write] = runLengths[read]!;
    means[write] = means[read]!;
    weights[write] = weights[read]!;
    for (let k = 0, from = read * statCount, to = write * statCount; k < statCount; k += 1) stats[to + k] = stats[from + k]!;
  }
  return total - 1;
}

/** How many hypotheses after the longest weigh less than `threshold`. */
export function countBelow(weights: Float64Array, total: number, threshold: number): number {
  let below = 0;
  for (let i = 1; i < total; i += 1) if (weights[i]! < threshold) below += 1;
  return below;
}

/** The cap's choice among the hypotheses at or above `threshold` (the slow path of the detector's search). */
export function weakestAbove(arrays: RunLengthArrays, total: number, threshold: number, window: number): number {
  const { runLengths, weights } = arrays;
  let weakest = -1;
  let best = Infinity;
  for (let i = 1; i < total; i += 1) {
    const w = weights[i]!;
    if (w < threshold) continue;
    const r = runLengths[i]!;
    const longer = runLengths[i - 1]! - r;
    const gap = i + 1 < total && (r <= window || runLengths[i + 1]! > window) ? Math.min(longer, r - runLengths[i + 1]!) : longer;
    if ((w * gap) / r < best) {
      best = (w * gap) / r;
      weakest = i;
    }
  }
  return weakest;
}
