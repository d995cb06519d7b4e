/**
 * File reading for the commands that take latency profiles (`plan`, `simulate`, `fit`): the core parsers work
 * on text; this turns paths into text and core errors into InputError (exit 3) naming the file.
 */
import { basename } from 'node:path';
import { DEFAULT_PROFILES } from '../shared/core/profiles/default-profiles.js';
import { parseEdgeMeasurements, parseServerlessMeasurements, type LatencySample } from '../shared/core/profiles/measurements.js';
import { parseProfiles } from '../shared/core/profiles/profiles-format.js';
import type { ProfileSet } from '../shared/core/types.js';
import { parsed, readText } from './input-files.js';


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
