/**
 * The edge lane's attainments within one plan search, memoised (the search's hot path: every batch size and
 * timeout at every split rate, on the steady link and at each of its spread points). At one rate and link most of
 * those settle alike: past the batch sizes whose limit binds, the edge settles at the same batch (edgeFixedPoint's
 * reach tells which), and batches that settle at the same busy time share one shape. So each (rate, link point)
 * keeps the fixed points it ran and the shapes it built, keyed by exactly what they depend on; a hit returns the
 * very numbers the direct computation (edgeAttainment) would, as the lane-models test checks.
 */
import { IDLE, NOTHING, SpreadPoints, type LaneAttainment, type LatencyShape } from './attainment.js';
import {
  batchLimitBinds,
  edgeFixedPoint,
  edgeLinkCapacityRps,
  edgeOutcome,
  edgeOverloadShiftMs,
  edgeSettled,
  edgeShapeFraction,
  edgeShapeWithFraction,
  longestBusyResidual,
  type EdgeSettled,
} from './edge-attainment.js';
import type { PlannerInput } from './input.js';

/** A fixed point run for reuse, and what its rounds met (edgeFixedPoint); `key` is its timeout or its batch size. */
interface FixedPointRun {
  readonly key: number;
  readonly n: number;
  readonly arrivals: number;
  readonly waitMs: number;
  readonly slackMs: number;
}

/** The run under `key`, if there is one. */
function keyed(runs: readonly FixedPointRun[], key: number): FixedPointRun | undefined {
  for (let i = 0; i < runs.length; i += 1) if (runs[i]!.key === key) return runs[i];
  return undefined;
}

function run(input: PlannerInput, batch: number, timeoutMs: number, rateRps: number, fillOnly: boolean, key: number): FixedPointRun {
  const reach = { arrivals: -Infinity, waitMs: -Infinity, slackMs: Infinity };
  const n = edgeFixedPoint(input, batch, timeoutMs, rateRps, reach, fillOnly);
  return { key, n, ...reach };
}

/** A shape built at one (rate, link point), under the key edgeShape depends on there. */
interface ShapeEntry {
  readonly kind: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  /** Built on the steady link only (point 0, whose shape the plan keeps); spread points keep the fraction. */
  readonly shape: LatencyShape | undefined;
  readonly fraction: number;
}

/** What one link point has computed at the current rate. */
interface PointScope {
  /** Per timeout, the run with no batch bound. */
  readonly unbounded: FixedPointRun[];
  /** Per batch size, the run that always gathers for its fill time. */
  readonly filling: FixedPointRun[];
  readonly shapes: ShapeEntry[];
}

const OVERLOADED = 0;
const GATHERING = 1;
const BUSY = 2;

export class EdgeMemo {
  private readonly points: SpreadPoints;
  private readonly capacities: number[];
  private readonly longestResidual: number;
  private rateRps = Number.NaN;
  private scopes: Array<PointScope | undefined> = [];

  constructor(private readonly input: PlannerInput) {
    this.points = new SpreadPoints(input, 'edge');
    this.capacities = this.points.inputs.map(edgeLinkCapacityRps);
    this.longestResidual = longestBusyResidual(input.profiles.edge.relativeResiduals);
  }

  /** edgeAttainment(input, batch, timeoutMs, rateRps). */
  attainment(batch: number, timeoutMs: number, rateRps: number): LaneAttainment {
    if (rateRps !== this.rateRps) {
      this.rateRps = rateRps;
      this.scopes = [];
    }
    const steady = this.onLink(0, batch, timeoutMs, rateRps);
    const points = this.points;
    for (let point = 1; point < points.inputs.length; point += 1) points.fractions[point] = this.onLink(point, batch, timeoutMs, rateRps);
    return points.mean(steady);
  }

  /** The attainment on the steady link (point 0); at a spread point, only its fraction (the mean needs no more). */
  private onLink(point: 0, batch: number, timeoutMs: number, rateRps: number): LaneAttainment;
  private onLink(point: number, batch: number, timeoutMs: number, rateRps: number): number;
  private onLink(point: number, batch: number, timeoutMs: number, rateRps: number): LaneAttainment | number {
    const constant = !(rateRps > 0) ? IDLE : rateRps > this.capacities[point]! ? NOTHING : undefined;
    if (constant) return point === 0 ? constant : constant.fraction;
    const input = this.points.inputs[point]!;
    const scope = (this.scopes[point] ??= { unbounded: [], filling: [], shapes: [] });
    const settled = edgeSettled(input, batch, timeoutMs, rateRps, this.fixedPoint(scope, input, batch, timeoutMs, rateRps));
    const entry = this.shape(scope, input, batch, rateRps, settled, point === 0);
    return point === 0 ? edgeOutcome(batch, rateRps, settled, entry.shape!, entry.fraction) : entry.fraction;
  }

  /**
   * edgeFixedPoint(input, batch, timeoutMs, rateRps), from a run that went the same way when there is one: the
   * unbounded run at this timeout when neither of the batch's bounds would have bound it, or the batch's run that
   * always gathers for its fill time when this timeout and the slack never cut that short (edgeFixedPoint's reach).
   */
  private fixedPoint(scope: PointScope, input: PlannerInput, batch: number, timeoutMs: number, rateRps: number): number {
    const fillMs = (1000 * (batch - 1)) / rateRps;
    let unbounded = keyed(scope.unbounded, timeoutMs);
    if (!unbounded) scope.unbounded.push((unbounded = run(input, Infinity, timeoutMs, rateRps, false, timeoutMs)));
    if (batch >= unbounded.arrivals && fillMs >= unbounded.waitMs) return unbounded.n;
    let filling = keyed(scope.filling, batch);
    if (!filling) scope.filling.push((filling = run(input, batch, Infinity, rateRps, true, batch)));
    if (fillMs <= 0 || (timeoutMs >= fillMs && filling.slackMs >= fillMs)) return filling.n;
    return edgeFixedPoint(input, batch, timeoutMs, rateRps);
  }

  /**
   * edgeShape and its fraction within the SLO, built once per key: what its branch reads besides the link point and
   * the rate. Past capacity: the busy time, the capacity, the shift and the batch limit where it binds; gathering:
   * the batch size and the gathering time; busy: the busy time and the batch limit where it binds.
   */
  private shape(scope: PointScope, input: PlannerInput, batch: number, rateRps: number, settled: EdgeSettled, withShape: boolean): ShapeEntry {
    const { busyMs, capacityRps } = settled;
    let kind = BUSY;
    let a = busyMs;
    let b: number;
    let c = 0;
    let d = 0;
    if (capacityRps < rateRps) {
      kind = OVERLOADED;
      b = capacityRps;
      c = edgeOverloadShiftMs(input, settled);
      d = batchLimitBinds(busyMs, this.longestResidual, capacityRps, batch) ? batch : Infinity;
    } else if (settled.gatherMs >= busyMs) {
      kind = GATHERING;
      a = settled.n;
      b = settled.gatherMs;
    } else {
      b = batchLimitBinds(busyMs, this.longestResidual, rateRps, batch) ? batch : Infinity;
    }
    const shapes = scope.shapes;
    for (let i = 0; i < shapes.length; i += 1) {
      const entry = shapes[i]!;
      if (entry.kind === kind && entry.a === a && entry.b === b && entry.c === c && entry.d === d) return entry;
    }
    // Spread points need only the fraction: edgeShapeFraction sums the same parts without building them.
    const built = withShape ? edgeShapeWithFraction(input, batch, rateRps, settled) : undefined;
    const entry = { kind, a, b, c, d, shape: built?.shape, fraction: built ? built.fraction : edgeShapeFraction(input, batch, rateRps, settled) };
    scope.shapes.push(entry);
    return entry;
  }
}
