/**
 * Human annotations of changepoints, as the Turing Change Point Dataset stores them (TCPD's
 * annotations.json: {"<series>": {"<annotator id>": [index, ...], ...}, ...}, 0-based indices of the first
 * observation of a new segment), or one series' annotations alone: {"<annotator id>": [index, ...], ...}.
 */
import { EngineError, expected } from '../errors.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function indexList(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || !value.every((item) => Number.isInteger(item) && (item as number) >= 0)) {
    throw new EngineError('invalid_input', expected(`${where} as an array of integer indices >= 0`, value));
  }
  return value as number[];
}

/** One list of changepoint indices per annotator, for `series` (needed when the file holds several). */
export function annotationsFor(json: unknown, series?: string): { series?: string; annotators: string[]; changepoints: number[][] } {
  if (!isObject(json) || Object.keys(json).length === 0) {
    throw new EngineError('invalid_input', expected('annotations as {"annotator": [indices]} or TCPD\'s {"series": {"annotator": [indices]}}', json));
  }
  const entries = Object.entries(json);
  if (entries.every(([, value]) => Array.isArray(value))) {
    return { annotators: entries.map(([id]) => id), changepoints: entries.map(([id, value]) => indexList(value, `annotator ${id}`)) };
  }
  if (!entries.every(([, value]) => isObject(value))) {
    throw new EngineError('invalid_input', expected('every value an array of indices (one series) or an object of them (TCPD, by series)', json));
  }
  const names = entries.map(([name]) => name);
  const chosen = series ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined || !Object.hasOwn(json, chosen)) {
    throw new EngineError('invalid_input', expected(`a series named one of ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}`, chosen ?? '(none given)'));
  }
  const byAnnotator = Object.entries(json[chosen] as Record<string, unknown>);
  if (byAnnotator.length === 0) throw new EngineError('invalid_input', expected(`at least one annotator for series ${chosen}`, 0));
  return {
    series: chosen,
    annotators: byAnnotator.map(([id]) => id),
    changepoints: byAnnotator.map(([id, value]) => indexList(value, `series ${chosen}, annotator ${id}`)),
  };
}
