/**
 * What a local-stack run showed, computed from its record (run-recorder.ts): the split over time and when
 * traffic moved between the lanes, the batch sizes planned and sent, the changepoints and the re-plans that
 * followed, warm capacity and cold starts, and whether the SLO's target was met (and if not, where it was
 * missed). The terminal summary and the HTML report both print these lines.
 */
import type { ReplayRecord } from '../loadgen/replay.js';
import { summarise, type ReplaySummary } from '../loadgen/summary.js';
import type { PlanSample, StackRunRecord } from './run-recorder.js';

/** The SLO target assumed when the scheduler's plan does not carry one (the planner's default, 99.9%). */
export const FALLBACK_SLO_TARGET = 0.999;
/** Width of the bins the split and the misses are counted in (s). */
export const BIN_S = 10;

type Lane = 'edge' | 'serverless';
const LANE_NAME: Record<Lane, string> = { edge: 'edge', serverless: 'inference function' };

export interface BatchStats {
  readonly batches: number;
  readonly meanSize: number;
  readonly maxSize: number;
}

export interface Move {
  readonly tS: number;
  readonly to: Lane;
}

export interface ReplanEvent {
  readonly tS: number;
  readonly reason: string;
  /** The plan it installed (the first sample of it), when the sampler saw it. */
  readonly plan?: PlanSample;
}

export interface RunAnalysis {
  readonly summary: ReplaySummary;
  readonly sloMs: number;
  readonly sloTarget: number;
  /** Whether the target came from the scheduler's plan (false: FALLBACK_SLO_TARGET). */
  readonly sloTargetFromPlan: boolean;
  readonly targetMet: boolean;
  /** Edge share of the answered requests sent in each BIN_S bin (null: none answered). */
  readonly edgeShareByBin: ReadonlyArray<number | null>;
  readonly moves: readonly Move[];
  /** Batches as the clients saw them (each request reports its batch's size). */
  readonly batchStats: Readonly<Record<Lane, BatchStats>>;
  /** Largest batch each lane's plans asked for during the run (see `gathered`), with that plan's wait. */
  readonly plannedMaxBatch: Readonly<Record<Lane, { readonly batchSize: number; readonly timeoutMs: number } | null>>;
  readonly replans: readonly ReplanEvent[];
  readonly changepoints: StackRunRecord['changepoints'];
  /** Warm FC instances the plans asked for (distinct values in order), or undefined when plans lack the field. */
  readonly warmInstances: readonly number[] | undefined;
  readonly coldStarts: number;
  readonly misses: MissReport;
}

export interface MissReport {
  readonly total: number;
  readonly lateByLane: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  /** Requests that failed at their deadline, by where they were: a lane's call, or still in the queue. */
  readonly deadlineBy: Readonly<Record<'edge' | 'serverless' | 'queue' | 'unknown', number>>;
  /** The bin with the most misses: its start, count, the link's mean Mbit/s and the arrival rate then. */
  readonly worstBin?: { readonly startS: number; readonly count: number; readonly linkMbps: number; readonly rateRps: number };
}

/** Error codes answered with 429 (refused at admission, with Retry-After). */
const REFUSED = new Set(['queue_full', 'throttled', 'http_429']);
const mean = (values: readonly number[]) => (values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : NaN);

function binOf(record: ReplayRecord): number {
  return Math.floor(record.sentAtMs / 1000 / BIN_S);
}

/** Edge share of answered requests per bin, by the time each was sent. */
export function edgeShareByBin(records: readonly ReplayRecord[], durationS: number): Array<number | null> {
  const bins = Math.max(1, Math.ceil(durationS / BIN_S));
  const edge = new Array<number>(bins).fill(0);
  const all = new Array<number>(bins).fill(0);
  for (const record of records) {
    if (record.status !== 200) continue;
    const bin = Math.min(bins - 1, binOf(record));
    all[bin]! += 1;
    if (record.placement === 'edge') edge[bin]! += 1;
  }
  return all.map((count, i) => (count > 0 ? edge[i]! / count : null));
}

/**
 * When most of the traffic changed lanes, bin by bin: to the inference function when the edge's share falls
 * below 40%, back to the edge when it rises above 60% (a split hovering around one half is not a move).
 */
export function movesOf(shares: ReadonlyArray<number | null>): Move[] {
  const moves: Move[] = [];
  let onEdge: boolean | undefined;
  shares.forEach((share, i) => {
    if (share === null) return;
    const now = onEdge === undefined ? share >= 0.5 : onEdge ? share >= 0.4 : share > 0.6;
    if (onEdge !== undefined && now !== onEdge) moves.push({ tS: i * BIN_S, to: now ? 'edge' : 'serverless' });
    onEdge = now;
  });
  return moves;
}

function batchStats(records: readonly ReplayRecord[], lane: Lane): BatchStats {
  const sizes = records.filter((r) => r.status === 200 && r.placement === lane && r.batchSize !== undefined).map((r) => r.batchSize!);
  // Each request of a batch of b reports b: a batch's share of requests is b / sum, so 1/b-weighting counts batches.
  const batches = sizes.reduce((sum, b) => sum + 1 / b, 0);
  return { batches: Math.round(batches), meanSize: batches > 0 ? sizes.length / batches : NaN, maxSize: sizes.length > 0 ? Math.max(...sizes) : 0 };
}

/** Where a deadline_exceeded error happened, from its message (a lane's call names its URL). */
function deadlineWhere(message: string | undefined, urls: StackRunRecord['laneUrls']): 'edge' | 'serverless' | 'queue' | 'unknown' {
  if (!message) return 'unknown';
  if (urls && message.includes(urls.edge)) return 'edge';
  if (urls && message.includes(urls.serverless)) return 'serverless';
  if (/no lane can answer/i.test(message)) return 'queue';
  return 'unknown';
}

function missReport(run: StackRunRecord): MissReport {
  const late: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const deadlineBy = { edge: 0, serverless: 0, queue: 0, unknown: 0 };
  const bins = new Map<number, number>();
  for (const record of run.records) {
    const missed = record.status !== 200 || record.latencyMs > run.sloMs;
    if (!missed) continue;
    if (record.status === 200) late[record.placement ?? '?'] = (late[record.placement ?? '?'] ?? 0) + 1;
    else errors[record.errorCode ?? `http_${record.status}`] = (errors[record.errorCode ?? `http_${record.status}`] ?? 0) + 1;
    if (record.errorCode === 'deadline_exceeded') deadlineBy[deadlineWhere(record.errorMessage, run.laneUrls)] += 1;
    bins.set(binOf(record), (bins.get(binOf(record)) ?? 0) + 1);
  }
  const total = [...bins.values()].reduce((a, b) => a + b, 0);
  const worst = [...bins.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  if (!worst) return { total, lateByLane: late, errors, deadlineBy };
  const startS = worst[0] * BIN_S;
  const inBin = (t: number) => t >= startS && t < startS + BIN_S;
  const linkMbps = mean(run.link.tS.flatMap((t, i) => (inBin(t) ? [run.link.mbps[i]!] : [])));
  const rateRps = run.records.filter((r) => inBin(r.sentAtMs / 1000)).length / BIN_S;
  return { total, lateByLane: late, errors, deadlineBy, worstBin: { startS, count: worst[1], linkMbps, rateRps } };
}

/**
 * The largest batch a lane's plans asked for while sending it traffic, except plans that wait for nothing with a
 * limit above 1 (a lane left alone gets "whatever is queued, up to 200"), which say little about batching.
 */
function largestPlanned(plans: readonly PlanSample[], lane: Lane): { batchSize: number; timeoutMs: number } | null {
  let best: { batchSize: number; timeoutMs: number } | null = null;
  for (const plan of plans) {
    const p = plan.lanes[lane];
    if (p.share <= 0 || (p.timeoutMs <= 0 && p.batchSize > 1)) continue;
    if (!best || p.batchSize > best.batchSize) best = { batchSize: p.batchSize, timeoutMs: p.timeoutMs };
  }
  return best;
}

export function analyseRun(run: StackRunRecord): RunAnalysis {
  const summary = summarise(run.records, run.sloMs);
  const targets = run.plans.flatMap((p) => (p.sloTarget !== undefined ? [p.sloTarget] : []));
  const sloTarget = targets.at(-1) ?? FALLBACK_SLO_TARGET;
  const shares = edgeShareByBin(run.records, run.durationS);
  const warm = run.plans.some((p) => p.warmInstances !== undefined)
    ? run.plans.flatMap((p) => (p.warmInstances !== undefined ? [p.warmInstances] : [])).filter((w, i, all) => i === 0 || all[i - 1] !== w)
    : undefined;
  const replans = run.replans.map((event) => {
    // The plan made at (about) that instant, if the once-a-second sampler saw it before the next one replaced it.
    const plan = run.plans.find((p) => Math.abs(p.createdAtS - event.tS) < 0.05) ?? run.plans.find((p) => Math.abs(p.createdAtS - event.tS) < 1);
    return { tS: event.tS, reason: event.reason, ...(plan ? { plan } : {}) };
  });
  return {
    summary,
    sloMs: run.sloMs,
    sloTarget,
    sloTargetFromPlan: targets.length > 0,
    targetMet: summary.sloAttainment >= sloTarget,
    edgeShareByBin: shares,
    moves: movesOf(shares),
    batchStats: { edge: batchStats(run.records, 'edge'), serverless: batchStats(run.records, 'serverless') },
    plannedMaxBatch: { edge: largestPlanned(run.plans, 'edge'), serverless: largestPlanned(run.plans, 'serverless') },
    replans,
    changepoints: run.changepoints,
    warmInstances: warm,
    coldStarts: run.scheduler.coldStarts,
    misses: missReport(run),
  };
}

const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '-');
/** Seconds since the replay began; the initial plan comes a little before it. */
const secs = (t: number) => (t < -0.5 ? 'start' : `${Math.max(0, t).toFixed(0)} s`);

/** A plan in a few words: each lane's share and batch, FC memory and warm instances. */
export function describePlanShort(plan: PlanSample): string {
  const lane = (id: Lane) => `${id} ${pct(plan.lanes[id].share, 0)} batch ${plan.lanes[id].batchSize} (wait ${plan.lanes[id].timeoutMs.toFixed(0)} ms)`;
  const warm = plan.warmInstances !== undefined ? `, ${plan.warmInstances} warm` : '';
  return `${lane('edge')}; ${lane('serverless')}, ${plan.memoryMb} MB${warm}`;
}

/** Rows for the summary table (label, value), after the replay's own rows. */
export function analysisRows(analysis: RunAnalysis, imageBytes?: number): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const { batchStats: b, plannedMaxBatch: planned } = analysis;
  const lanes = (['edge', 'serverless'] as const).filter((lane) => b[lane].batches > 0);
  rows.push([
    'batches sent',
    lanes.map((lane) => `${LANE_NAME[lane]} ${b[lane].batches} (mean ${b[lane].meanSize.toFixed(1)}, max ${b[lane].maxSize})`).join('; ') || 'none',
  ]);
  const plannedText = (p: RunAnalysis['plannedMaxBatch']['edge']) => (p ? `${p.batchSize} (gathered for up to ${p.timeoutMs.toFixed(0)} ms)` : '-');
  rows.push(['largest batch planned', `edge ${plannedText(planned.edge)}, inference function ${plannedText(planned.serverless)}`]);
  const cp = (kind: 'rate' | 'bandwidth') => analysis.changepoints.filter((c) => c.kind === kind && c.tS >= 0).map((c) => secs(c.tS));
  rows.push(['changepoints', `arrival rate at ${cp('rate').join(', ') || 'none'}; edge link at ${cp('bandwidth').join(', ') || 'none'}`]);
  const share = analysis.edgeShareByBin.map((s) => (s === null ? '-' : (s * 100).toFixed(0))).join(' ');
  rows.push([`edge share per ${BIN_S} s (%)`, share]);
  rows.push([
    'traffic moved',
    analysis.moves.length > 0
      ? analysis.moves.map((m) => `to the ${LANE_NAME[m.to]} at ${secs(m.tS)}`).join(', then ')
      : "no: the edge's share never crossed 40% / 60%",
  ]);
  rows.push([
    'warm FC instances (plan)',
    analysis.warmInstances === undefined
      ? "not in this scheduler's plan"
      : `${analysis.warmInstances.join(' -> ')} (the plan's warmInstances over the run)`,
  ]);
  rows.push([
    'cold starts',
    `${analysis.coldStarts} counted by the scheduler. The local inference function is one process that loads the model before it listens: one instance, warm from its first call, so none here`,
  ]);
  const target = `${pct(analysis.sloTarget, 1)} within ${analysis.sloMs / 1000} s${analysis.sloTargetFromPlan ? " (the plan's target)" : ' (the planner default; the plan did not say)'}`;
  rows.push(['SLO target', `${target}: ${analysis.targetMet ? 'met' : `not met (${pct(analysis.summary.sloAttainment)})`}`]);
  if (!analysis.targetMet) rows.push(['why not', whyNot(analysis, imageBytes)]);
  return rows;
}

/** A plain statement of where the SLO's target was missed. */
export function whyNot(analysis: RunAnalysis, imageBytes?: number): string {
  const { misses } = analysis;
  const parts: string[] = [];
  for (const [lane, count] of Object.entries(misses.lateByLane)) parts.push(`${count} answered late by the ${LANE_NAME[lane as Lane] ?? lane}`);
  for (const [code, count] of Object.entries(misses.errors)) {
    if (code === 'deadline_exceeded') {
      const where = [
        misses.deadlineBy.edge > 0 ? `${misses.deadlineBy.edge} in calls to the edge` : '',
        misses.deadlineBy.serverless > 0 ? `${misses.deadlineBy.serverless} in calls to the inference function` : '',
        misses.deadlineBy.queue > 0 ? `${misses.deadlineBy.queue} in the queue, no lane able to answer in time` : '',
        misses.deadlineBy.unknown > 0 ? `${misses.deadlineBy.unknown} elsewhere` : '',
      ].filter((text) => text !== '');
      parts.push(`${count} failed at their deadline (${where.join(', ')})`);
    } else parts.push(`${count} ${REFUSED.has(code) ? `refused (${code}, 429)` : `failed (${code})`}`);
  }
  let worst = '';
  if (misses.worstBin) {
    const { startS, count, rateRps, linkMbps } = misses.worstBin;
    worst = `; most (${count}) in ${secs(startS)}-${secs(startS + BIN_S)}, at ${rateRps.toFixed(0)} req/s with the edge link at ${linkMbps.toFixed(1)} Mbit/s`;
    const needMbps = imageBytes ? (rateRps * imageBytes * 8) / 1e6 : undefined;
    if (needMbps !== undefined && linkMbps < needMbps) worst += ` (the images then needed ${needMbps.toFixed(1)} Mbit/s: the edge's link could not carry them all)`;
  }
  return `${misses.total} of ${analysis.summary.requests} requests missed: ${parts.join(', ') || 'none'}${worst}`;
}

/** One line per re-plan: when, why, and what it asked for. */
export function replanLines(analysis: RunAnalysis): string[] {
  return analysis.replans.map((event) => `${secs(event.tS).padStart(6)}  ${event.reason.padEnd(16)} ${event.plan ? describePlanShort(event.plan) : '(replaced within a second, before it was sampled)'}`);
}
