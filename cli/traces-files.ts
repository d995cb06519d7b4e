/**
 * File reading for the commands that take traces (`simulate`, and any other): the core parsers work on text;
 * this turns paths into text and core errors into InputError (exit 3) naming the file.
 */
import { basename } from 'node:path';
import { createRandom } from '../shared/core/random.js';
import { parseArrivals, type ArrivalFormat, type ArrivalTrace } from '../shared/core/traces/arrivals.js';
import { parseBandwidth, type BandwidthFormat, type ParsedBandwidth } from '../shared/core/traces/bandwidth.js';
import type { TimeWindow } from '../shared/core/traces/text-lines.js';
import { parsed, readText } from './input-files.js';


export interface ArrivalFileOptions {
  readonly format?: ArrivalFormat | 'auto';
  readonly rateScale?: number;
  readonly window?: TimeWindow;
  readonly azureFunction?: 'sum' | number | string;
  /** Seed for spreading per-second/per-minute counts and for rate scaling. */
  readonly seed: number;
}

export function readArrivals(path: string, options: ArrivalFileOptions): ArrivalTrace {
  const text = readText(path, 'arrival trace');
  // Its own stream (seed + a constant), so that changing the simulator's noise seed use does not move arrivals.
  const random = createRandom(options.seed * 7919 + 17);
  return parsed(() =>
    parseArrivals(text, {
      ...(options.format ? { format: options.format } : {}),
      ...(options.rateScale !== undefined ? { rateScale: options.rateScale } : {}),
      ...(options.window ? { window: options.window } : {}),
      ...(options.azureFunction !== undefined ? { azureFunction: options.azureFunction } : {}),
      uniform: () => random.next(),
      source: basename(path),
    }),
  );
}

export function readBandwidth(path: string, options: { format?: BandwidthFormat | 'auto'; window?: TimeWindow } = {}): ParsedBandwidth {
  const text = readText(path, 'bandwidth trace');
  return parsed(() => parseBandwidth(text, { ...options, source: basename(path) }));
}
