/**
 * One chaos run: the local stack with its serverless lane going through the FC API stand-in (the real
 * `@alicloud/fc20230330` invoker, so function faults can be injected) and its state in the Tablestore stand-in
 * (the real `tablestore` SDK, so the store can be stalled and failed), a replayed real trace, and the fault
 * schedule applied on time. Both stand-ins run in this process, where their knobs are; the scheduler and the
 * edge agent are their own processes, on loopback only. Bounded: the replay stops at `durationMs`, answers are
 * awaited at most `drainMs`, and every part is stopped at the end whatever happened.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFcApiStandin, type FcApiStandin } from '../../functions/inference/fc-api-standin.js';
import { startTablestoreStandin, type TablestoreStandin } from '../../functions/scheduler/store/tablestore-standin/server.js';
import type { BandwidthTrace } from '../../shared/core/traces/index.js';
import type { RequestImage } from '../loadgen/images.js';
import { startLocalStack, type LocalStack } from '../stack/local-stack.js';
import { describeAction, type ChaosAction, type ChaosStep } from './schedule.js';
import { laneShareBetween, tallyChaos, type ChaosRecord, type ChaosTally } from './tally.js';

export interface ChaosOptions {
  readonly arrivalsMs: Float64Array;
  readonly edgeLink: BandwidthTrace;
  readonly images: readonly RequestImage[];
  readonly durationMs: number;
  readonly sloMs: number;
  readonly schedule: readonly ChaosStep[];
  /** Waiting for answers after the last request; default max(15 s, 5 SLO). Anything still out is lost. */
  readonly drainMs?: number;
  readonly onLog?: (line: string) => void;
}

export interface AppliedStep {
  readonly atMs: number;
  /** When the action had finished (a restart waits for the agent's health check). */
  readonly doneAtMs: number;
  readonly label: string;
  readonly error?: string;
}

export interface ChaosReport {
  readonly durationMs: number;
  readonly tally: ChaosTally;
  readonly steps: readonly AppliedStep[];
  /** Results by lane for requests sent while the edge agent was dead the first time (after a grace for detection). */
  readonly whileEdgeDead: { readonly edge: number; readonly serverless: number };
  /** Results by lane for requests sent after the agent's first restart had finished, to the end of the run. */
  readonly afterEdgeBack: { readonly edge: number; readonly serverless: number };
  /** From the first restart's completion to the first request sent after it that the edge answered. */
  readonly edgeBackAfterMs?: number;
  /** Outcomes per 2 s of sending time: result lanes and error codes. */
  readonly timeline: readonly { readonly fromMs: number; readonly outcomes: Readonly<Record<string, number>> }[];
  readonly functionCalls: { readonly total: number; readonly faulted: number };
  readonly storeOperations: number;
  /** The scheduler still answered /healthz at the end. */
  readonly schedulerHealthyAfter: boolean;
}

/** The function name the scheduler calls (one per memory size: `<base>-<memoryMb>`, any name is served). */
const FUNCTION_BASE = 'edgebatch-inference';
/** Stand-in credentials (the stand-ins record the signature; only the cloud holds real secrets). */
const STANDIN_KEY = { id: 'chaos-access-key', secret: 'chaos-access-secret' };
/** A detected death takes a failed batch or a missed heartbeat; give it this long before counting placements. */
const DETECTION_GRACE_MS = 3000;
const TIMELINE_STEP_MS = 2000;

function timelineOf(records: readonly ChaosRecord[], durationMs: number): ChaosReport['timeline'] {
  const bins = Array.from({ length: Math.ceil(durationMs / TIMELINE_STEP_MS) }, (_, i) => ({ fromMs: i * TIMELINE_STEP_MS, outcomes: {} as Record<string, number> }));
  for (const record of records) {
    const bin = bins[Math.floor(record.sentAtMs / TIMELINE_STEP_MS)];
    if (!bin) continue;
    const key = record.status === 200 ? (record.placement ?? '?') : (record.errorCode ?? `http_${record.status}`);
    bin.outcomes[key] = (bin.outcomes[key] ?? 0) + 1;
  }
  return bins;
}

async function send(url: string, image: RequestImage, startedAt: number, timeoutMs: number): Promise<ChaosRecord> {
  const sentAtMs = performance.now() - startedAt;
  const elapsed = () => performance.now() - startedAt - sentAtMs;
  try {
    const response = await fetch(new URL('/v1/infer', url), {
      method: 'POST',
      headers: { 'content-type': image.contentType },
      body: image.data,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) {
      return {
        sentAtMs,
        latencyMs: elapsed(),
        status: 200,
        placement: body.placement as string,
        batchSize: body.batchSize as number,
        answerId: body.id as string,
      };
    }
    const errorCode = (body.error as { code?: string } | undefined)?.code ?? `http_${response.status}`;
    return { sentAtMs, latencyMs: elapsed(), status: response.status, errorCode };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return { sentAtMs, latencyMs: elapsed(), status: 0, errorCode: timedOut ? 'client_timeout' : 'connection_error' };
  }
}

async function apply(action: ChaosAction, stack: LocalStack, fc: FcApiStandin, store: TablestoreStandin): Promise<void> {
  switch (action.kind) {
    case 'kill-edge':
      return stack.processes.edge.kill();
    case 'restart-edge':
      return stack.restartEdge();
    case 'fail-function':
      return fc.failNext(action.count, action.fault);
    case 'stall-store':
      return store.stallNext(action.count);
    case 'fail-store':
      return store.failNext(action.count);
  }
}

/** Sum of edgebatch_requests_total over outcomes, from the scheduler's Prometheus text. */
async function schedulerAnswerCount(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(5000) })).text();
    let sum = 0;
    for (const match of text.matchAll(/^edgebatch_requests_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm)) sum += Number(match[1]);
    return sum;
  } catch {
    return undefined;
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5000) })).ok;
  } catch {
    return false;
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.onLog ?? (() => {});
  const drainMs = options.drainMs ?? Math.max(15_000, 5 * options.sloMs);
  const setUpAt = performance.now();
  const fc = await startFcApiStandin({ stallMs: Math.max(5000, 5 * options.sloMs) });
  const store = await startTablestoreStandin();
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({
      edgeLink: options.edgeLink,
      sloMs: options.sloMs,
      schedulerEnv: {
        // Empty counts as unset: the serverless lane is FC (through the stand-in), not the plain HTTP server.
        INFERENCE_URL: '',
        INFERENCE_FUNCTION: FUNCTION_BASE,
        INFERENCE_REGION: 'cn-hangzhou',
        ACCOUNT_ID: '1234567890123456',
        INFERENCE_ENDPOINT: fc.endpoint,
        INFERENCE_PROTOCOL: 'http',
        ALIBABA_CLOUD_ACCESS_KEY_ID: STANDIN_KEY.id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: STANDIN_KEY.secret,
        STORE: 'tablestore',
        TABLESTORE_ENDPOINT: store.endpoint,
        TABLESTORE_INSTANCE: store.instanceName,
      },
    });
    log(`stack up in ${((performance.now() - setUpAt) / 1000).toFixed(1)} s: scheduler ${stack.schedulerUrl}, FC stand-in ${fc.endpoint}, Tablestore stand-in ${store.endpoint}`);
    const liveStack = stack;
    const startedAt = performance.now();
    const steps: AppliedStep[] = [];
    const timers = options.schedule.map((step) =>
      setTimeout(() => {
        const label = describeAction(step.action);
        log(`t=${(step.atMs / 1000).toFixed(1)} s  ${label}`);
        apply(step.action, liveStack, fc, store).then(
          () => steps.push({ atMs: step.atMs, doneAtMs: performance.now() - startedAt, label }),
          (error: unknown) => steps.push({ atMs: step.atMs, doneAtMs: performance.now() - startedAt, label, error: (error as Error).message }),
        );
      }, step.atMs),
    );

    const records: ChaosRecord[] = [];
    const inFlight = new Set<Promise<void>>();
    const requestTimeoutMs = drainMs + Math.max(10_000, 10 * options.sloMs);
    for (let i = 0; i < options.arrivalsMs.length; i++) {
      const dueMs = options.arrivalsMs[i]!;
      if (dueMs >= options.durationMs) break;
      const aheadMs = dueMs - (performance.now() - startedAt);
      if (aheadMs > 1) await sleep(aheadMs);
      const pending = send(liveStack.schedulerUrl, options.images[i % options.images.length]!, startedAt, requestTimeoutMs).then((record) => {
        records.push(record);
      });
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
    }
    const tail = Math.max(0, options.durationMs - (performance.now() - startedAt));
    await sleep(tail);
    timers.forEach(clearTimeout);
    log(`replay done (${records.length + inFlight.size} sent); waiting up to ${drainMs / 1000} s for the last answers`);
    const drained = await Promise.race([Promise.all(inFlight).then(() => true), sleep(drainMs).then(() => false)]);
    // Requests still without an answer are lost: record them as such (their fetches are abandoned).
    const unanswered = drained ? 0 : inFlight.size;
    for (let i = 0; i < unanswered; i++) records.push({ sentAtMs: NaN, latencyMs: NaN, status: 0, errorCode: 'client_timeout' });

    const kill = options.schedule.find((step) => step.action.kind === 'kill-edge')?.atMs;
    const restart = options.schedule.find((step) => step.action.kind === 'restart-edge')?.atMs;
    // From when the first restart had finished (the agent answered its health check), to the end: the edge
    // cannot answer during a later outage, so any edge result here means it came back after a restart.
    const restartDone = steps.find((step) => step.atMs === restart && step.label === describeAction({ kind: 'restart-edge' }))?.doneAtMs;
    const edgeAfter = restartDone === undefined ? [] : records.filter((r) => r.status === 200 && r.placement === 'edge' && r.sentAtMs >= restartDone);
    const firstEdgeAfter = edgeAfter.length > 0 ? Math.min(...edgeAfter.map((r) => r.sentAtMs)) : undefined;
    return {
      durationMs: options.durationMs,
      tally: tallyChaos(records, await schedulerAnswerCount(liveStack.schedulerUrl)),
      steps: [...steps].sort((a, b) => a.atMs - b.atMs),
      whileEdgeDead: kill !== undefined && restart !== undefined ? laneShareBetween(records, kill + DETECTION_GRACE_MS, restart) : { edge: 0, serverless: 0 },
      afterEdgeBack: restartDone !== undefined ? laneShareBetween(records, restartDone, options.durationMs) : { edge: 0, serverless: 0 },
      ...(firstEdgeAfter !== undefined && restartDone !== undefined ? { edgeBackAfterMs: firstEdgeAfter - restartDone } : {}),
      timeline: timelineOf(records, options.durationMs),
      functionCalls: { total: fc.calls.length, faulted: fc.calls.filter((call) => call.fault !== undefined).length },
      storeOperations: store.operations.length,
      schedulerHealthyAfter: await healthy(liveStack.schedulerUrl),
    };
  } finally {
    await stack?.stop();
    await fc.close();
    await store.close();
  }
}
