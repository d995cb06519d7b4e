import { describe, expect, it } from 'vitest';
import { createNormalGammaModel, createPoissonGammaModel, type ConjugateModel } from '../../../shared/core/bocpd/index.js';
import { gaussianPredictiveLogPdf, lanczosLogGamma, negativeBinomialLogPmf, normalGammaPosterior, studentTLogPdf } from './reference.js';

/** Feeds xs into one block of a model, returning ln p(x_i | x_1..i-1) for each and the final mean. */
function runModel(model: ConjugateModel, xs: readonly number[], exposures?: readonly number[]) {
  const stats = new Float64Array(model.statCount);
  const lp = new Float64Array(1);
  const mean = new Float64Array(1);
  model.writePrior(stats, 0);
  const logs: number[] = [];
  xs.forEach((x, i) => {
    model.observe(stats, 0, 1, x, exposures?.[i] ?? 1, lp, mean);
    logs.push(lp[0]!);
  });
  return { logs, mean: mean[0]! };
}

describe('Poisson-Gamma predictive', () => {
  it('is the negative binomial pmf of the posterior, with exposure, against an independent lgamma', () => {
    const prior = { shape: 0.5, rate: 0.0005 };
    const xs = [3, 0, 12, 7, 150, 2, 9999, 40];
    const exposures = [1, 0.5, 2, 1, 10, 0.25, 60, 3];
    const { logs, mean } = runModel(createPoissonGammaModel(prior), xs, exposures);
    let shape = prior.shape;
    let rate = prior.rate;
    xs.forEach((x, i) => {
      const expectedLog = negativeBinomialLogPmf(x, shape, rate, exposures[i]!);
      expect(Math.abs(logs[i]! - expectedLog)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expectedLog)));
      shape += x;
      rate += exposures[i]!;
    });
    expect(mean).toBeCloseTo(shape / rate, 12);
  });

  it('sums to 1 over the counts', () => {
    const model = createPoissonGammaModel({ shape: 3, rate: 0.2 });
    let total = 0;
    for (let x = 0; x < 2000; x += 1) total += Math.exp(runModel(model, [x]).logs[0]!);
    expect(total).toBeCloseTo(1, 10);
  });

  it('stays accurate for huge posteriors (alpha ~ 1e11), where plain lgamma differences lose digits', () => {
    // lgamma(a + x) - lgamma(a) = sum_{j < x} ln(a + j) exactly for integer x; compare the model on one step.
    const model = createPoissonGammaModel({ shape: 1e11, rate: 1e7 });
    const x = 9_990;
    const got = runModel(model, [x]).logs[0]!;
    let ratio = 0;
    for (let j = 0; j < x; j += 1) ratio += Math.log(1e11 + j);
    let logFactorial = 0;
    for (let k = 2; k <= x; k += 1) logFactorial += Math.log(k);
    // ln(b / (b + e)) as -log1p(e / b): forming b / (b + e) first would cost 1e-16 * 1e11 of accuracy.
    const expectedLog = ratio - logFactorial - 1e11 * Math.log1p(1 / 1e7) - x * Math.log(1e7 + 1);
    expect(Math.abs(got - expectedLog)).toBeLessThan(1e-6);
    expect(got).toBeGreaterThan(-10); // 9,990 is close to the mean 10,000: a plausible count
  });

  it('rejects non-counts and bad exposures with clear messages', () => {
    const model = createPoissonGammaModel();
    expect(() => model.validate(2.5, 1)).toThrow('Expected a count (an integer >= 0), got 2.5');
    expect(() => model.validate(-1, 1)).toThrow(/count/);
    expect(() => model.validate(3, 0)).toThrow(/exposure/);
    expect(() => createPoissonGammaModel({ shape: 0 })).toThrow(/shape/);
  });
});

describe('Normal-Gamma predictive', () => {
  it('is the Student-t of the batch posterior, against an independent lgamma', () => {
    const prior = { mean: 1, kappa: 0.01, alpha: 1, beta: 0.1 };
    const xs = [1.2, 0.8, 1.9, 1.4, -0.3, 5.5, 1.1, 1.0, 0.95, 1.05];
    const { logs, mean } = runModel(createNormalGammaModel({ prior }), xs);
    xs.forEach((x, i) => {
      const expectedLog = gaussianPredictiveLogPdf(prior, xs.slice(0, i), x);
      expect(Math.abs(logs[i]! - expectedLog)).toBeLessThan(1e-10);
    });
    expect(mean).toBeCloseTo(normalGammaPosterior(prior, xs).mean, 12);
  });

  it('integrates to 1 and applies location/scale as a change of variable', () => {
    const prior = { mean: 0, kappa: 1, alpha: 2, beta: 1.5 };
    const plain = createNormalGammaModel({ prior });
    const scaled = createNormalGammaModel({ prior, location: 10, scale: 4 });
    let total = 0;
    const step = 0.01;
    for (let x = -60; x <= 60; x += step) total += Math.exp(runModel(plain, [x]).logs[0]!) * step;
    expect(total).toBeCloseTo(1, 4);
    const y = 13;
    expect(runModel(scaled, [y]).logs[0]!).toBeCloseTo(runModel(plain, [(y - 10) / 4]).logs[0]! - Math.log(4), 12);
    expect(runModel(scaled, [y]).mean).toBeCloseTo(10 + 4 * normalGammaPosterior(prior, [(y - 10) / 4]).mean, 12);
  });

  it('matches a textbook Student-t value', () => {
    // t with 1 degree of freedom is Cauchy: density 1/(pi (1 + x^2)).
    expect(studentTLogPdf(2, 1, 0, 1)).toBeCloseTo(-Math.log(Math.PI * 5), 12);
    expect(lanczosLogGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });

  it('rejects non-finite values', () => {
    expect(() => createNormalGammaModel().validate(Number.NaN, 1)).toThrow('Expected a finite number, got null');
    expect(() => createNormalGammaModel({ prior: { beta: -1 } })).toThrow(/beta/);
  });
});
