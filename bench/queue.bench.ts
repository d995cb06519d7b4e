/**
 * Decisions per second of the virtual-queue policy with about 1,000 requests queued.
 * Reproduce: `npm run bench -- queue` (writes bench/results/queue.json and queue.md).
 *
 * Arrivals replay the real inter-arrival gaps of one hour of Twitter traffic (data/seed/workload/
 * TW_may25_15-16.gz); lane service times are the prototype's fitted latencies (edge 8.165 b + 42.34 ms, FC at
 * 1024 MB 141 b + 215.98 ms). Each scenario fills the queue to 1,000, then alternates admit and next on a
 * virtual clock so the queue stays at about 1,000, and times that loop.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { VirtualQueue, type QueueDecision } from '../shared/core/queue/index.js';
import type { LaneId, LaneStatus, Plan, Priority, QueuedRequest } from '../shared/core/types.js';
import { readTextFile } from '../cli/text-file.js';
import { markdownTable, writeBenchResult } from './report.js';

const TRACE = join(import.meta.dirname, '..', 'data', 'seed', 'workload', 'TW_may25_15-16.gz');
const QUEUED = 1_000;
const MEASURED_ROUNDS = 300_000;
const WARMUP_ROUNDS = 50_000;

const gapsMs = readTextFile(TRACE)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => Number(line) * 1000);
const meanGapMs = gapsMs.reduce((sum, gap) => sum + gap, 0) / gapsMs.length;

const edgeMs = (b: number) => 8.165 * b + 42.34;
const fcMs = (b: number) => 141 * b - 8.806e-3 * 1024 + 225;

function plan(batch: Record<LaneId, number>, shares: Record<LaneId, number>): Plan {
  return {
    policy: 'bench',
    createdAtMs: 0,
    reason: 'manual',
    rateRps: 1000 / meanGapMs,
    bandwidthMbps: { edge: 100, serverless: 100 },
    sloMs: 1000,
    sloTarget: 0.999,
    lanes: {
      edge: { batchSize: batch.edge, timeoutMs: 400, share: shares.edge },
      serverless: { batchSize: batch.serverless, timeoutMs: 400, share: shares.serverless },
    },
    serverless: { memoryMb: 1024, cpu: 1 },
    warmInstances: 0,
    predicted: { p99LatencyMs: { edge: 500, serverless: 900 }, costPerMillionUsd: 0, edgeUtilisation: 0.5, attainment: 1 },
  };
}

function lanes(edgeSlots: number, serverlessSlots = edgeSlots): Record<LaneId, LaneStatus> {
  return {
    edge: { healthy: true, freeSlots: edgeSlots, serviceMs: edgeMs },
    serverless: { healthy: true, freeSlots: serverlessSlots, serviceMs: fcMs },
  };
}
/** Statuses by which lanes have a free slot, made once so the loop allocates nothing of its own. */
const LANES_BY_FREE = [
  [lanes(0, 0), lanes(0, 1)],
  [lanes(1, 0), lanes(1, 1)],
] as const;

interface Scenario {
  readonly name: string;
  readonly what: string;
  readonly plan: Plan;
  /**
   * Whether lanes free slots while measuring. When they do, a lane frees one slot each time it has been given
   * a batch's worth of new requests, as a lane that keeps up would, so the queue stays at about 1,000.
   */
  readonly lanesServe: boolean;
  /** Requests admitted per round before next() is called until it waits. */
  readonly admitsPerRound: number;
  /** Gaps are divided by this (to reach a rate that keeps 1,000 queued within the SLO). */
  readonly speedup: number;
  readonly sloMs: number;
  readonly highEvery: number;
}

const scenarios: Scenario[] = [
  {
    name: 'dispatch-1',
    what: 'batch size 1 on both lanes: every round admits one request and the lane it went to dispatches one (its oldest high)',
    plan: plan({ edge: 1, serverless: 1 }, { edge: 0.5, serverless: 0.5 }),
    lanesServe: true,
    admitsPerRound: 1,
    speedup: 1,
    sloMs: 3_600_000,
    highEvery: 5,
  },
  {
    name: 'dispatch-20',
    what: "the prototype's batch sizes (edge 20, FC 2), shares 0.9/0.1: 20 admits per round, then a full batch on each lane that has been given a batch's worth",
    plan: plan({ edge: 20, serverless: 2 }, { edge: 0.9, serverless: 0.1 }),
    lanesServe: true,
    admitsPerRound: 20,
    speedup: 1,
    sloMs: 3_600_000,
    highEvery: 5,
  },
  {
    name: 'overload-wait',
    what: 'both lanes busy, trace sped up to ~1,000 req/s with a 1 s SLO: requests leave only as deadlines lapse',
    plan: plan({ edge: 20, serverless: 2 }, { edge: 0.8, serverless: 0.2 }),
    lanesServe: false,
    admitsPerRound: 1,
    speedup: meanGapMs, // gaps scaled to a mean of 1 ms: 1,000 req/s
    sloMs: 1000,
    highEvery: 5,
  },
];

interface Result {
  scenario: string;
  what: string;
  decisionsPerSecond: number;
  nsPerDecision: number;
  admitsPerSecond: number;
  decisions: number;
  admits: number;
  decisionKinds: Record<QueueDecision['kind'], number>;
  queuedMin: number;
  queuedMax: number;
  /** CPU seconds of the measured loop (user + system). */
  seconds: number;
  wallSeconds: number;
}

function run(scenario: Scenario): Result {
  const queue = new VirtualQueue({ maxQueued: 2 * QUEUED });
  const busy = LANES_BY_FREE[0][0];
  let now = 0;
  let gapIndex = 0;
  let id = 0;
  const arrive = (): QueuedRequest => {
    now += gapsMs[gapIndex % gapsMs.length]! / scenario.speedup;
    gapIndex += 1;
    const priority: Priority = id % scenario.highEvery === 0 ? 'high' : 'low';
    return { id: `r${id++}`, arrivalMs: now, deadlineMs: now + scenario.sloMs, priority, bytes: 200 * 1024 };
  };
  // Fill with both lanes busy, so nothing leaves.
  while (queue.size < QUEUED) queue.admit(arrive(), scenario.plan, busy, now);

  const owed: Record<LaneId, number> = { edge: 0, serverless: 0 };
  const kinds: Record<QueueDecision['kind'], number> = { dispatch: 0, reject: 0, wait: 0 };
  let decisions = 0;
  let admits = 0;
  let queuedMin = Infinity;
  let queuedMax = 0;
  const round = (measure: boolean) => {
    for (let i = 0; i < scenario.admitsPerRound; i += 1) {
      const outcome = queue.admit(arrive(), scenario.plan, busy, now);
      if (outcome.kind === 'admitted') owed[outcome.lane] += 1;
    }
    let edgeFree = 0;
    let serverlessFree = 0;
    if (scenario.lanesServe) {
      if (owed.edge >= scenario.plan.lanes.edge.batchSize) [edgeFree, owed.edge] = [1, owed.edge - scenario.plan.lanes.edge.batchSize];
      if (owed.serverless >= scenario.plan.lanes.serverless.batchSize) {
        [serverlessFree, owed.serverless] = [1, owed.serverless - scenario.plan.lanes.serverless.batchSize];
      }
    }
    for (;;) {
      const decision = queue.next(scenario.plan, LANES_BY_FREE[edgeFree]![serverlessFree]!, now);
      if (measure) {
        kinds[decision.kind] += 1;
        decisions += 1;
      }
      if (decision.kind === 'wait') break;
      if (decision.kind === 'dispatch') {
        if (decision.lane === 'edge') edgeFree = 0;
        else serverlessFree = 0;
      }
    }
    if (measure) {
      admits += scenario.admitsPerRound;
      queuedMin = Math.min(queuedMin, queue.size);
      queuedMax = Math.max(queuedMax, queue.size);
    }
  };
  for (let i = 0; i < WARMUP_ROUNDS; i += 1) round(false);
  const rounds = Math.ceil(MEASURED_ROUNDS / scenario.admitsPerRound);
  // CPU time, not wall time: other processes on this 2-core machine would otherwise skew the figures.
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  for (let i = 0; i < rounds; i += 1) round(true);
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (cpu.user + cpu.system) / 1e6;
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  return {
    scenario: scenario.name,
    what: scenario.what,
    decisionsPerSecond: decisions / seconds,
    nsPerDecision: (seconds * 1e9) / decisions,
    admitsPerSecond: admits / seconds,
    decisions,
    admits,
    decisionKinds: kinds,
    queuedMin,
    queuedMax,
    seconds,
    wallSeconds,
  };
}

const results = scenarios.map((scenario) => {
  const result = run(scenario);
  console.log(
    `${result.scenario}: ${Math.round(result.decisionsPerSecond).toLocaleString('en')} decisions/s ` +
      `(${Math.round(result.admitsPerSecond).toLocaleString('en')} admits/s), queued ${result.queuedMin}-${result.queuedMax}`,
  );
  return result;
});

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const table = markdownTable(
  ['scenario', 'decisions/s', 'ns per decision (incl. its share of admits)', 'admits/s', 'queued (min-max)', 'dispatch / reject / wait'],
  results.map((r) => [
    r.scenario,
    fmt(r.decisionsPerSecond),
    fmt(r.nsPerDecision),
    fmt(r.admitsPerSecond),
    `${r.queuedMin}-${r.queuedMax}`,
    `${r.decisionKinds.dispatch} / ${r.decisionKinds.reject} / ${r.decisionKinds.wait}`,
  ]),
);
const markdown = `## Queue policy: decisions per second with ~1,000 queued

\`npm run bench -- queue\` (node ${process.version}). Real Twitter inter-arrival gaps, the prototype's lane latencies;
each round admits requests then calls \`next()\` until it answers \`wait\`; rates are per CPU-second of that loop
(admits included), measured with \`process.cpuUsage\` so other load on the machine does not skew them.

${table}

${results.map((r) => `- **${r.scenario}**: ${r.what}.`).join('\n')}
`;
writeBenchResult('queue', { node: process.version, queued: QUEUED, trace: 'seed/workload/TW_may25_15-16', results }, markdown);
