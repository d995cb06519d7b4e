/**
 * Scoring detections on annotated series (TCPD's metrics, metrics/f1.ts and metrics/covering.ts), per
 * series and averaged over a set, as the TCPD benchmark reports them (unweighted mean over series).
 */
import { detectChangepoints, type DetectChangepointsOptions } from './detect.js';
import { covering } from './metrics/covering.js';
import { f1Score } from './metrics/f1.js';

export interface AnnotatedSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
  /** One list of 0-based change indices per annotator. */
  readonly annotations: readonly (readonly number[])[];
  /** 'gaussian' (standardised) unless the series is counts. */
  readonly model?: 'poisson' | 'gaussian';
}

export interface SeriesScore {
  readonly name: string;
  readonly observations: number;
  readonly changepoints: number[];
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
  readonly cover: number;
}

/** Runs the detector on one series (gaussian standardised, or poisson) and scores it. */
export function scoreSeries(series: AnnotatedSeries, options: Omit<DetectChangepointsOptions, 'model'>): SeriesScore {
  const model = series.model ?? 'gaussian';
  const { changepoints } = detectChangepoints(series.values, { ...options, model, standardize: model === 'gaussian' });
  const { f1, precision, recall } = f1Score(series.annotations, changepoints);
  return { name: series.name, observations: series.values.length, changepoints, f1, precision, recall, cover: covering(series.annotations, changepoints, series.values.length) };
}

/** The unweighted means of F1 and cover over a set of scores. */
export function meanScore(scores: readonly SeriesScore[]): { f1: number; cover: number; series: number } {
  const n = scores.length;
  return { f1: scores.reduce((a, s) => a + s.f1, 0) / n, cover: scores.reduce((a, s) => a + s.cover, 0) / n, series: n };
}
