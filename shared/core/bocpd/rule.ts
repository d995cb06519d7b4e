/**
 * The decision rule that turns the detector's per-step outputs into changepoints, online.
 *
 * At step t, when `changeProbability >= threshold` (the current segment most probably began within the
 * detector's change window), the change is placed where the most probable recent run began:
 * c = t - recentRunLength + 1 (the 0-based index of the first observation of the new segment). It is reported
 * unless it lies fewer than `minSpacing` observations after the last reported change (the same change seen
 * again on the following steps, or a refinement of its location). A change is therefore reported once, at the
 * first step with enough evidence; `detectedAt - index` is the detection delay.
 */
import { EngineError, expected } from '../errors.js';
import type { StepOutput } from './detector.js';

export interface ChangepointRuleOptions {
  /** Posterior probability of a recent change needed to report one, in (0, 1]. Default 0.5. */
  readonly threshold?: number;
  /** Least distance between reported changes, in observations (>= 1). Default 10. */
  readonly minSpacing?: number;
}

export const DEFAULT_RULE_OPTIONS = Object.freeze({ threshold: 0.5, minSpacing: 10 });

export interface DetectedChange {
  /** 0-based index of the first observation of the new segment. */
  readonly index: number;
  /** 0-based index of the observation at which the change was reported. */
  readonly detectedAt: number;
  /** The detector's changeProbability at that step. */
  readonly probability: number;
}

export interface ChangepointRuleRecord {
  readonly threshold: number;
  readonly minSpacing: number;
  /** Index of the last reported change, null before the first. */
  readonly lastChange: number | null;
}

export interface ChangepointRule {
  /** Feeds one step's output; returns the change it reveals, if any. */
  observe(output: StepOutput): DetectedChange | undefined;
  toRecord(): ChangepointRuleRecord;
  readonly lastChange: number | null;
}

export function createChangepointRule(options: ChangepointRuleOptions = {}): ChangepointRule {
  const threshold = options.threshold ?? DEFAULT_RULE_OPTIONS.threshold;
  const minSpacing = options.minSpacing ?? DEFAULT_RULE_OPTIONS.minSpacing;
  if (!(threshold > 0 && threshold <= 1)) throw new EngineError('invalid_input', expected('threshold in (0, 1]', threshold));
  if (!(Number.isInteger(minSpacing) && minSpacing >= 1)) throw new EngineError('invalid_input', expected('minSpacing an integer >= 1', minSpacing));
  return restoreChangepointRule({ threshold, minSpacing, lastChange: null });
}

export function restoreChangepointRule(record: ChangepointRuleRecord): ChangepointRule {
  const { threshold, minSpacing } = record;
  if (!(threshold > 0 && threshold <= 1)) throw new EngineError('invalid_input', expected('threshold in (0, 1]', threshold));
  if (!(Number.isInteger(minSpacing) && minSpacing >= 1)) throw new EngineError('invalid_input', expected('minSpacing an integer >= 1', minSpacing));
  if (record.lastChange !== null && !Number.isInteger(record.lastChange)) throw new EngineError('invalid_input', expected('lastChange an integer or null', record.lastChange));
  return new OnlineChangepointRule(threshold, minSpacing, record.lastChange);
}

/** A class, so every rule shares one `observe` and a caller's call to it stays monomorphic across rules. */
class OnlineChangepointRule implements ChangepointRule {
  constructor(
    private readonly threshold: number,
    private readonly minSpacing: number,
    private last: number | null,
  ) {}

  observe(output: StepOutput): DetectedChange | undefined {
    if (output.changeProbability < this.threshold || output.recentRunLength === 0) return undefined;
    const index = output.index - output.recentRunLength + 1;
    if (this.last !== null && index < this.last + this.minSpacing) return undefined;
    this.last = index;
    return { index, detectedAt: output.index, probability: output.changeProbability };
  }

  toRecord(): ChangepointRuleRecord {
    return { threshold: this.threshold, minSpacing: this.minSpacing, lastChange: this.last };
  }

  get lastChange(): number | null {
    return this.last;
  }
}
