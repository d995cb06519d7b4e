/**
 * Seeded synthetic series shaped like real ones, for the bench's detection-quality check on annotated
 * series: level shifts (the changes to find, 3 to 6 noise sds, every 60 to 140 observations) on top of the
 * movements a detector must not take for change: a linear trend, a seasonal cycle (period 7, 12 or 24),
 * or AR(1) noise (coefficient 0.7, marginal sd 1); and "null" series with those shapes and no shift.
 */
import type { Random } from '../random.js';
import type { SyntheticSeries } from './evaluation.js';
import type { AnnotatedSeries } from './scoring.js';

export const SERIES_SHAPES = ['trend', 'season', 'ar', 'null-trend-season', 'null-ar'] as const;
export type SeriesShape = (typeof SERIES_SHAPES)[number];

const AR_COEFFICIENT = 0.7;

export function shapedSeries(random: Random, shape: SeriesShape, length = 400): SyntheticSeries {
  const shifts = !shape.startsWith('null');
  const trend = shape.includes('trend');
  const season = shape.includes('season');
  const autocorrelated = shape.includes('ar');
  const slope = (random.next() - 0.5) * 0.04;
  const amplitude = 1 + 2 * random.next();
  const period = [7, 12, 24][random.int(3)]!;
  const values = new Float64Array(length);
  const changes: number[] = [];
  let level = 0;
  let next = 60 + random.int(80);
  let noise = 0;
  for (let t = 0; t < length; t += 1) {
    if (shifts && t === next) {
      level += (random.next() < 0.5 ? -1 : 1) * (3 + 3 * random.next());
      changes.push(t);
      next = t + 60 + random.int(80);
    }
    noise = autocorrelated ? AR_COEFFICIENT * noise + random.normal(0, Math.sqrt(1 - AR_COEFFICIENT ** 2)) : random.normal(0, 1);
    values[t] = 10 + level + (trend ? slope * t : 0) + (season ? amplitude * Math.sin((2 * Math.PI * t) / period) : 0) + noise;
  }
  return { values, changes };
}

/** Every shape for each seed, as annotated series (the true changes as the one annotator). */
export function shapedSet(createRandom: (seed: number) => Random, seeds: readonly number[] = [1, 2, 3, 4, 5, 6]): AnnotatedSeries[] {
  return SERIES_SHAPES.flatMap((shape, s) =>
    seeds.map((seed) => {
      const series = shapedSeries(createRandom(seed * 100 + s), shape);
      return { name: `${shape}-${seed}`, values: series.values, annotations: [series.changes] };
    }),
  );
}
