/**
 * The serverless lane's attainments within one plan search, memoised. At one split rate the search asks for every
 * configuration, batch size, timeout and warm pool, and many of those coincide: a timeout the lane's tail cuts
 * short is the same timeout, and what a lane owes to its batching and link (serverlessBase, with its fractions
 * in time per batch size) is the same for every warm pool. A hit returns the very numbers the direct computation
 * (serverlessAttainment) would, as the lane-models test checks.
 */
import { serverlessBase, serverlessWithWarm, serverlessWithWarmFraction, SpreadPoints, type LaneAttainment, type ServerlessBase } from './attainment.js';
import type { PlannerInput } from './input.js';
import type { ServerlessOption } from '../types.js';
import { warmChoices } from './warm-choices.js';

/** One configuration, batch size and timeout at the current rate. */
interface Entry {
  readonly batch: number;
  readonly timeoutMs: number;
  /** Per link point (SpreadPoints.inputs), its base once computed. */
  readonly bases: Array<ServerlessBase | LaneAttainment | undefined>;
  warm: readonly number[] | undefined;
  readonly results: Map<number, LaneAttainment>;
}

export class ServerlessMemo {
  private readonly points: SpreadPoints;
  private rateRps = Number.NaN;
  private entries = new Map<ServerlessOption, Entry[]>();

  constructor(private readonly input: PlannerInput) {
    this.points = new SpreadPoints(input, 'serverless');
  }

  /** serverlessAttainment(input, option, batch, timeoutMs, rateRps, warmInstances). */
  attainment(option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number, warmInstances: number): LaneAttainment {
    const entry = this.entry(option, batch, timeoutMs, rateRps);
    let result = entry.results.get(warmInstances);
    if (result === undefined) {
      const points = this.points;
      const steady = this.onLink(entry, 0, option, rateRps, warmInstances);
      for (let point = 1; point < points.inputs.length; point += 1) points.fractions[point] = this.fractionOnLink(entry, point, option, rateRps, warmInstances);
      result = points.mean(steady);
      entry.results.set(warmInstances, result);
    }
    return result;
  }

  private onLink(entry: Entry, point: number, option: ServerlessOption, rateRps: number, warmInstances: number): LaneAttainment {
    const input = this.points.inputs[point]!;
    const base = (entry.bases[point] ??= serverlessBase(input, option, entry.batch, entry.timeoutMs, rateRps));
    return 'sizes' in base ? serverlessWithWarm(input, option, entry.batch, rateRps, base, warmInstances) : base;
  }

  /** onLink(...).fraction, without the shape that only the steady link's answer carries. */
  private fractionOnLink(entry: Entry, point: number, option: ServerlessOption, rateRps: number, warmInstances: number): number {
    const input = this.points.inputs[point]!;
    const base = (entry.bases[point] ??= serverlessBase(input, option, entry.batch, entry.timeoutMs, rateRps));
    return 'sizes' in base ? serverlessWithWarmFraction(input, option, entry.batch, rateRps, base, warmInstances) : base.fraction;
  }

  /** warmChoices(input, option, batch, timeoutMs, rateRps). */
  warmChoices(option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number): readonly number[] {
    const entry = this.entry(option, batch, timeoutMs, rateRps);
    return (entry.warm ??= warmChoices(this.input, option, batch, timeoutMs, rateRps));
  }

  private entry(option: ServerlessOption, batch: number, timeoutMs: number, rateRps: number): Entry {
    if (rateRps !== this.rateRps) {
      this.rateRps = rateRps;
      this.entries = new Map();
    }
    let list = this.entries.get(option);
    if (!list) {
      list = [];
      this.entries.set(option, list);
    }
    let entry: Entry | undefined;
    // A plain loop: this runs for every question of the search.
    for (let i = 0; i < list.length && !entry; i += 1) if (list[i]!.batch === batch && list[i]!.timeoutMs === timeoutMs) entry = list[i];
    if (!entry) {
      entry = { batch, timeoutMs, bases: [], warm: undefined, results: new Map() };
      list.push(entry);
    }
    return entry;
  }
}
