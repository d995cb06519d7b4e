/**
 * File reading for the commands that take latency profiles (`plan`, `simulate`, `fit`): the core parsers work
 * on text; this turns paths into text and core errors into InputError (exit 3) naming the file.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { EngineError } from '../shared/core/errors.js';
import { DEFAULT_PROFILES } from '../shared/core/profiles/default-profiles.js';
import { parseEdgeMeasurements, parseServerlessMeasurements, type LatencySample } from '../shared/core/profiles/measurements.js';
import { parseProfiles } from '../shared/core/profiles/profiles-format.js';
import type { ProfileSet } from '../shared/core/types.js';
import { InputError } from './command.js';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${what} "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof EngineError) throw new InputError(error.message);
    throw error;
  }
}

/** The profiles file at `path`, or the built-in default set when no path is given. */
export function readProfiles(path: string | undefined): ProfileSet {
  if (path === undefined) return DEFAULT_PROFILES;
  const text = readText(path, 'profiles file');
  return parsed(() => parseProfiles(text, basename(path)));
}

export function readEdgeMeasurements(path: string): LatencySample[] {
  const text = readText(path, 'edge measurement file');
  return parsed(() => parseEdgeMeasurements(text, basename(path)));
}

export function readServerlessMeasurements(path: string): LatencySample[] {
  const text = readText(path, 'serverless measurement file');
  return parsed(() => parseServerlessMeasurements(text, basename(path)));
}
