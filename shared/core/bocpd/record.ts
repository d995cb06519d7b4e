/** Restoring a detector from its record, with every field checked (records come from a store, not from us). */
import { EngineError, expected } from '../errors.js';
import { createDetector, detectorFromState, type Detector } from './detector.js';
import type { ModelFactory } from './model.js';
import { createNormalGammaModel } from './normal-gamma.js';
import { resolveDetectorOptions } from './options.js';
import { createPoissonGammaModel } from './poisson-gamma.js';

/** The built-in models by record name; pass your own map to `restoreDetector` to add one. */
export const BUILT_IN_MODELS: Readonly<Record<string, ModelFactory>> = Object.freeze({
  poisson: (params) => createPoissonGammaModel({ shape: params.shape, rate: params.rate }),
  gaussian: (params) =>
    createNormalGammaModel({
      prior: { mean: params.mean, kappa: params.kappa, alpha: params.alpha, beta: params.beta },
      location: params.location,
      scale: params.scale,
    }),
});

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteArray(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number' && Number.isFinite(item))) {
    throw new EngineError('invalid_input', expected(`${what} as an array of finite numbers`, value));
  }
  return value as number[];
}

/** Rebuilds a detector that continues exactly where `record` (a DetectorRecord, e.g. parsed from the store) left off. */
export function restoreDetector(record: unknown, models: Readonly<Record<string, ModelFactory>> = BUILT_IN_MODELS): Detector {
  if (!isRecordObject(record) || record.version !== 1) throw new EngineError('invalid_input', expected('a detector record with version 1', record));
  const { model, options, steps } = record;
  if (!isRecordObject(model) || typeof model.name !== 'string' || !isRecordObject(model.params)) {
    throw new EngineError('invalid_input', expected('a model record { name, params }', model));
  }
  const factory = Object.hasOwn(models, model.name) ? models[model.name] : undefined;
  if (!factory) throw new EngineError('invalid_input', expected(`a model named one of ${Object.keys(models).join(', ')}`, model.name));
  const params = model.params as Record<string, number>;
  if (!isRecordObject(options)) throw new EngineError('invalid_input', expected('detector options', options));
  const resolved = resolveDetectorOptions({
    expectedSegmentLength: options.expectedSegmentLength as number,
    maxRunLengths: options.maxRunLengths === null ? Infinity : (options.maxRunLengths as number),
    pruneThreshold: options.pruneThreshold as number,
    changeWindow: options.changeWindow as number,
  });
  const rebuilt = factory(params);
  if (!Number.isInteger(steps) || (steps as number) < 0) throw new EngineError('invalid_input', expected('steps an integer >= 0', steps));
  const runLengths = finiteArray(record.runLengths, 'runLengths');
  const logProbabilities = finiteArray(record.logProbabilities, 'logProbabilities');
  const stats = finiteArray(record.stats, 'stats');
  if (steps === 0) {
    if (runLengths.length !== 0) throw new EngineError('invalid_input', expected('no hypotheses before the first step', runLengths.length));
    return createDetector(rebuilt, resolved);
  }
  if (runLengths.length === 0 || logProbabilities.length !== runLengths.length || stats.length !== runLengths.length * rebuilt.statCount) {
    throw new EngineError(
      'invalid_input',
      expected(`matching lengths (n >= 1 run lengths and log-probabilities, n * ${rebuilt.statCount} stats)`, [runLengths.length, logProbabilities.length, stats.length]),
    );
  }
  if (runLengths[0] !== steps) throw new EngineError('invalid_input', expected(`the first run length to equal steps (${steps})`, runLengths[0]));
  const seen = new Set<number>();
  for (const r of runLengths.slice(1)) {
    if (!Number.isInteger(r) || r < 1 || r >= (steps as number) || seen.has(r)) {
      throw new EngineError('invalid_input', expected(`distinct integer run lengths between 1 and ${(steps as number) - 1} after the first`, r));
    }
    seen.add(r);
  }
  if (logProbabilities.some((value) => value > 1e-9)) throw new EngineError('invalid_input', expected('log-probabilities <= 0', logProbabilities));
  let probabilities: number[] | undefined;
  if (record.probabilities !== undefined) {
    probabilities = finiteArray(record.probabilities, 'probabilities');
    if (probabilities.length !== runLengths.length || probabilities.some((p) => !(p > 0 && p <= 1))) {
      throw new EngineError('invalid_input', expected(`${runLengths.length} probabilities in (0, 1]`, probabilities));
    }
  }
  return detectorFromState(rebuilt, resolved, steps as number, runLengths, logProbabilities, stats, probabilities);
}
