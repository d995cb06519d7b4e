import { describe, expect, it } from 'vitest';
import {
  createDetector,
  createGaussianDetector,
  createPoissonDetector,
  detectChangepoints,
  restoreDetector,
  type ConjugateModel,
  type Detector,
  type StepOutput,
} from '../../../shared/core/bocpd/index.js';
import { EngineError } from '../../../shared/core/errors.js';
import { createRandom } from '../../../shared/core/random.js';
import { gaussianPredictiveLogPdf, naiveBocpd, normalGammaPosterior, poissonPredictiveLogPmf, type NaiveStep } from './reference.js';

const POISSON_PRIOR = { shape: 0.5, rate: 0.0005 };
const GAUSSIAN_PRIOR = { mean: 1, kappa: 0.01, alpha: 1, beta: 0.1 };
const EXACT = { maxRunLengths: Infinity, pruneThreshold: 0 } as const;

function poissonSeries(seed: number, rates: readonly number[], segment: number): number[] {
  const random = createRandom(seed);
  return rates.flatMap((rate) => Array.from({ length: segment }, () => random.poisson(rate)));
}

function gaussianSeries(seed: number, means: readonly number[], sd: number, segment: number): number[] {
  const random = createRandom(seed);
  return means.flatMap((mean) => Array.from({ length: segment }, () => random.normal(mean, sd)));
}

function naivePoisson(xs: number[], lambda: number, window: number): NaiveStep[] {
  return naiveBocpd(
    xs,
    (history, x) => poissonPredictiveLogPmf(POISSON_PRIOR, history, x),
    (run) => (POISSON_PRIOR.shape + run.reduce((a, b) => a + b, 0)) / (POISSON_PRIOR.rate + run.length),
    lambda,
    window,
  );
}

function naiveGaussian(xs: number[], lambda: number, window: number): NaiveStep[] {
  return naiveBocpd(
    xs,
    (history, x) => gaussianPredictiveLogPdf(GAUSSIAN_PRIOR, history, x),
    (run) => normalGammaPosterior(GAUSSIAN_PRIOR, run).mean,
    lambda,
    window,
  );
}

/** Compares every step, and the whole run-length posterior, to `tolerance` (absolute). */
function expectMatches(detector: Detector, xs: number[], reference: NaiveStep[], tolerance: number): void {
  xs.forEach((x, t) => {
    const out = detector.update(x);
    const ref = reference[t]!;
    expect(out.index).toBe(t);
    expect(Math.abs(out.changeProbability - ref.changeProbability)).toBeLessThan(tolerance);
    expect(Math.abs(out.logPredictive - ref.logPredictive)).toBeLessThan(tolerance * Math.max(1, Math.abs(ref.logPredictive)));
    expect(Math.abs(out.predictiveMean - ref.predictiveMean)).toBeLessThan(tolerance * Math.max(1, Math.abs(ref.predictiveMean)));
    const { runLengths, probabilities } = detector.runLengthPosterior();
    const full = new Array<number>(t + 1).fill(0);
    runLengths.forEach((r, i) => (full[r - 1] = probabilities[i]!));
    for (let r = 0; r <= t; r += 1) expect(Math.abs(full[r]! - ref.posterior[r]!)).toBeLessThan(tolerance);
    // The MAP may differ only between (numerically) tied run lengths.
    expect(ref.posterior[out.mapRunLength - 1]!).toBeGreaterThan(ref.posterior[ref.mapRunLength - 1]! - tolerance);
  });
}

describe('BOCPD recursion against the naive full recursion', () => {
  it('Poisson, pruning off: equal to 1e-9 on every step and run length', () => {
    const xs = poissonSeries(11, [20, 40, 10, 12], 40);
    const detector = createPoissonDetector({ prior: POISSON_PRIOR, expectedSegmentLength: 50, changeWindow: 10, ...EXACT });
    expectMatches(detector, xs, naivePoisson(xs, 50, 10), 1e-9);
    expect(detector.hypotheses).toBe(xs.length);
  });

  it('Gaussian, pruning off: equal to 1e-9 on every step and run length', () => {
    const xs = gaussianSeries(12, [1.5, 2.2, 0.4], 0.3, 45);
    const detector = createGaussianDetector({ prior: GAUSSIAN_PRIOR, expectedSegmentLength: 40, changeWindow: 15, ...EXACT });
    expectMatches(detector, xs, naiveGaussian(xs, 40, 15), 1e-9);
  });

  it('with default pruning (24 run lengths, threshold 1e-9), within 0.05 on every probability', () => {
    // The stated tolerance: with the default cap, no posterior probability (single run length or the change
    // probability) moves by more than 0.05 on these short series, right after changes where many short runs
    // share the mass.
    const xs = poissonSeries(13, [20, 30, 20, 80, 5], 60);
    const detector = createPoissonDetector({ prior: POISSON_PRIOR, expectedSegmentLength: 100, changeWindow: 20 });
    expectMatches(detector, xs, naivePoisson(xs, 100, 20), 0.05);
    expect(detector.hypotheses).toBeLessThanOrEqual(24);
    const ys = gaussianSeries(14, [1, 1.8, 1.2, 3], 0.3, 70);
    const gaussian = createGaussianDetector({ prior: GAUSSIAN_PRIOR, expectedSegmentLength: 100, changeWindow: 20 });
    expectMatches(gaussian, ys, naiveGaussian(ys, 100, 20), 0.05);
  });
});

describe('the pruning error (merge.ts) against the exact recursion', () => {
  /** Largest |change probability - exact| over a piecewise series like the bench's, 10 segments of 300. */
  function worstError(model: 'poisson' | 'gaussian', seed: number): number {
    const random = createRandom(seed);
    let level = 0;
    const xs = Array.from({ length: 3000 }, (_, i) => {
      if (i % 300 === 0) level = random.next();
      return model === 'poisson' ? random.poisson(20 + 60 * level) : random.normal(1 + level, 0.3);
    });
    const make = (options: object) => (model === 'poisson' ? createPoissonDetector(options) : createGaussianDetector(options));
    const exact = make(EXACT);
    const pruned = make({});
    let worst = 0;
    for (const x of xs) worst = Math.max(worst, Math.abs(exact.step(x) - pruned.step(x)));
    return worst;
  }

  it('stays below 0.25 in change probability at the defaults (24 run lengths)', () => {
    // Measured on these seeds: 0.03-0.11 (Poisson), 0.07-0.20 (Gaussian); the worst cases come when a change
    // is about `changeWindow` steps old and its runs straddle the window's edge. The bench reports the same
    // over 1e5 observations of each model.
    for (const seed of [1, 2, 3]) {
      expect(worstError('poisson', seed)).toBeLessThan(0.25);
      expect(worstError('gaussian', seed)).toBeLessThan(0.25);
    }
  });
});

describe('BOCPD outputs', () => {
  it('changeProbability rises right after a 2x rate change and the MAP run length restarts there', () => {
    const xs = poissonSeries(21, [30, 60], 200);
    const detector = createPoissonDetector();
    const outs = xs.map((x) => detector.update(x));
    expect(Math.max(...outs.slice(20, 195).map((o) => o.changeProbability))).toBeLessThan(0.5);
    const flagged = outs.findIndex((o, t) => t >= 200 && o.changeProbability > 0.5);
    expect(flagged).toBeGreaterThanOrEqual(200);
    expect(flagged).toBeLessThan(205);
    const last = outs[outs.length - 1]!;
    expect(last.mapRunLength).toBeGreaterThan(190);
    expect(last.mapRunLength).toBeLessThanOrEqual(200);
    expect(last.predictiveMean).toBeGreaterThan(55);
    expect(last.predictiveMean).toBeLessThan(65);
  });

  it('counts with unequal bins: the same rate over wider bins is no change', () => {
    const random = createRandom(5);
    const detector = createPoissonDetector();
    let maxChange = 0;
    for (let t = 0; t < 600; t += 1) {
      const width = t < 300 ? 1 : 3; // bins triple in width, the rate per unit stays 10
      const out = detector.update(random.poisson(10 * width), width);
      if (t > 20) maxChange = Math.max(maxChange, out.changeProbability);
      if (t === 599) expect(out.predictiveMean).toBeCloseTo(10, 0);
    }
    expect(maxChange).toBeLessThan(0.5);
  });

  it('rejects bad observations with the observation shown, and keeps its state', () => {
    const detector = createPoissonDetector();
    detector.update(3);
    expect(() => detector.update(-2)).toThrow('Expected a count (an integer >= 0), got -2');
    expect(() => detector.update(4, -1)).toThrow(/exposure/);
    expect(detector.steps).toBe(1);
    expect(() => createPoissonDetector({ expectedSegmentLength: 1 })).toThrow(/expectedSegmentLength/);
    expect(() => createPoissonDetector({ maxRunLengths: 1 })).toThrow(/maxRunLengths/);
  });
});

describe('BOCPD state record', () => {
  for (const [name, make, xs] of [
    ['poisson', () => createPoissonDetector(), poissonSeries(31, [20, 45, 20, 22], 150)],
    ['gaussian', () => createGaussianDetector({ location: 1, scale: 0.5 }), gaussianSeries(32, [1, 2, 1.4], 0.4, 200)],
    ['poisson exact', () => createPoissonDetector(EXACT), poissonSeries(33, [5, 9], 80)],
  ] as const) {
    it(`${name}: run half, serialise through JSON, restore, run the rest == run all`, () => {
      const whole = make();
      const all: StepOutput[] = xs.map((x) => whole.update(x));
      const first = make();
      const half = Math.floor(xs.length / 2);
      const outs: StepOutput[] = xs.slice(0, half).map((x) => first.update(x));
      const json = JSON.stringify(first.toRecord());
      const resumed = restoreDetector(JSON.parse(json));
      outs.push(...xs.slice(half).map((x) => resumed.update(x)));
      expect(outs).toEqual(all);
      expect(resumed.toRecord()).toEqual(whole.toRecord());
      expect(resumed.steps).toBe(xs.length);
    });
  }

  it('is compact: a default detector with a long history stays a few kB', () => {
    const detector = createPoissonDetector();
    for (const x of poissonSeries(41, [50], 5000)) detector.update(x);
    expect(JSON.stringify(detector.toRecord()).length).toBeLessThan(6000);
  });

  it('restores a detector that has not started', () => {
    const fresh = restoreDetector(JSON.parse(JSON.stringify(createGaussianDetector().toRecord())));
    expect(fresh.steps).toBe(0);
    expect(fresh.update(1.3)).toEqual(createGaussianDetector().update(1.3));
  });

  it('rejects malformed records with clear messages', () => {
    const detector = createPoissonDetector();
    for (const x of [3, 4, 5, 20]) detector.update(x);
    const record = detector.toRecord();
    expect(() => restoreDetector(null)).toThrow(/Expected a detector record with version 1/);
    expect(() => restoreDetector({ ...record, model: { name: 'weibull', params: {} } })).toThrow(/model named one of poisson, gaussian/);
    expect(() => restoreDetector({ ...record, runLengths: [4, 5, 1, 2] })).toThrow(/distinct integer run lengths/);
    expect(() => restoreDetector({ ...record, stats: record.stats.slice(1) })).toThrow(/matching lengths/);
    expect(() => restoreDetector({ ...record, logProbabilities: record.logProbabilities.map(() => 'x') })).toThrow(/finite numbers/);
    expect(() => restoreDetector({ ...record, stats: record.stats.map(() => -5) })).toThrow(/Poisson-Gamma statistics/);
  });
});

describe('BOCPD on long series', () => {
  it('Poisson: 1e6 observations without a change, then a 2x change: no underflow, bounded state, still detected', () => {
    const random = createRandom(51);
    const detector = createPoissonDetector();
    const n = 1_000_000;
    let worstChange = 0;
    let out: StepOutput | undefined;
    for (let t = 0; t < n; t += 1) {
      out = detector.update(random.poisson(t < n - 100 ? 40 : 80));
      if (t === n - 101) {
        // all mass on the longest run: it must not have been the one dropped
        expect(out.mapRunLength).toBe(n - 100);
        expect(detector.runLengthPosterior().runLengths[0]).toBe(n - 100);
      }
      if (t > 1000 && t < n - 100) worstChange = Math.max(worstChange, out.changeProbability);
      if (t === n - 95) expect(out.changeProbability).toBeGreaterThan(0.5);
    }
    expect(worstChange).toBeLessThan(0.99); // occasional false alarms are possible, certainty is not
    expect(detector.hypotheses).toBeLessThanOrEqual(24);
    expect(Number.isFinite(out!.logPredictive)).toBe(true);
    expect(out!.mapRunLength).toBeGreaterThan(90);
    expect(out!.mapRunLength).toBeLessThanOrEqual(100);
    const record = detector.toRecord();
    expect(record.logProbabilities.every(Number.isFinite)).toBe(true);
  });

  it('Gaussian: 3e5 observations without a change keep the longest run and a sharp mean', () => {
    const random = createRandom(52);
    const detector = createGaussianDetector();
    let out: StepOutput | undefined;
    for (let t = 0; t < 300_000; t += 1) out = detector.update(random.normal(2, 0.25));
    expect(detector.runLengthPosterior().runLengths[0]).toBe(300_000);
    expect(out!.predictiveMean).toBeCloseTo(2, 2);
    expect(Number.isFinite(out!.logPredictive)).toBe(true);
  });
});

describe('a third model plugs in without touching the recursion', () => {
  /** Beta-Bernoulli: success probability ~ Beta(a, b); predictive P(x = 1) = a / (a + b). */
  function betaBernoulli(a0: number, b0: number): ConjugateModel {
    return {
      name: 'bernoulli',
      statCount: 2,
      validate: (x) => {
        if (x !== 0 && x !== 1) throw new EngineError('invalid_input', `Expected 0 or 1, got ${x}`);
      },
      writePrior: (stats, slot) => {
        stats[slot * 2] = a0;
        stats[slot * 2 + 1] = b0;
      },
      observe: (stats, from, to, x, _exposure, logPredictive, mean) => {
        for (let slot = from; slot < to; slot += 1) {
          const a = stats[slot * 2]!;
          const b = stats[slot * 2 + 1]!;
          logPredictive[slot] = Math.log((x === 1 ? a : b) / (a + b));
          stats[slot * 2] = a + x;
          stats[slot * 2 + 1] = b + 1 - x;
          mean[slot] = (a + x) / (a + b + 1);
        }
      },
      validateStats: () => undefined,
      toRecord: () => ({ name: 'bernoulli', params: { a: a0, b: b0 } }),
    };
  }

  it('detects a jump in success probability and resumes through a custom registry', () => {
    const random = createRandom(61);
    const xs = Array.from({ length: 400 }, (_, t) => (random.next() < (t < 200 ? 0.1 : 0.9) ? 1 : 0));
    const result = detectChangepoints(xs, { model: betaBernoulli(1, 1) });
    // the jump at 200 is found at once; nothing before it (a run of zeros near 382 may also be flagged)
    expect(Math.abs(result.changepoints[0]! - 200)).toBeLessThanOrEqual(3);
    expect(result.detections[0]!.detectedAt - 200).toBeLessThanOrEqual(5);
    expect(result.changepoints.length).toBeLessThanOrEqual(2);

    const first = createDetector(betaBernoulli(1, 1));
    xs.slice(0, 250).forEach((x) => first.update(x));
    const models = { bernoulli: (params: Readonly<Record<string, number>>) => betaBernoulli(params.a!, params.b!) };
    const resumed = restoreDetector(JSON.parse(JSON.stringify(first.toRecord())), models);
    const whole = createDetector(betaBernoulli(1, 1));
    const all = xs.map((x) => whole.update(x));
    expect(xs.slice(250).map((x) => resumed.update(x))).toEqual(all.slice(250));
  });
});
