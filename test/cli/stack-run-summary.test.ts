import { describe, expect, it } from 'vitest';
import type { ReplayRecord } from '../../cli/loadgen/replay.js';
import { STACK_RUN_FORMAT, planSample, type StackRunRecord } from '../../cli/stack/run-recorder.js';
import { analyseRun, analysisRows, edgeShareByBin, movesOf } from '../../cli/stack/run-summary.js';

const ok = (sentAtMs: number, placement: 'edge' | 'serverless', batchSize: number, latencyMs = 100): ReplayRecord => ({ sentAtMs, latencyMs, status: 200, placement, batchSize });

describe('the stack run summary', () => {
  it('counts the edge share per 10 s bin by send time and finds when the majority moved', () => {
    const records = [ok(1000, 'edge', 1), ok(2000, 'edge', 1), ok(12_000, 'serverless', 4), ok(13_000, 'edge', 2), ok(14_000, 'serverless', 4), ok(31_000, 'edge', 1)];
    const shares = edgeShareByBin(records, 40);
    expect(shares).toEqual([1, 1 / 3, null, 1]);
    expect(movesOf(shares)).toEqual([
      { tS: 10, to: 'serverless' },
      { tS: 30, to: 'edge' },
    ]);
  });

  it('reads plans with and without the warm-instance field, and judges the target the plan carries', () => {
    const start = 1_000_000;
    const plan = (warm: number | undefined, createdAtMs: number) => ({
      plan: {
        policy: 'ours',
        createdAtMs,
        reason: 'rate-change',
        rateRps: 30,
        bandwidthMbps: { edge: 5, serverless: 1000 },
        sloMs: 1000,
        sloTarget: 0.99,
        lanes: { edge: { batchSize: 4, timeoutMs: 300, share: 0.6 }, serverless: { batchSize: 8, timeoutMs: 400, share: 0.4 } },
        serverless: { memoryMb: 2048, cpu: 1 },
        ...(warm === undefined ? {} : { warmInstances: warm }),
        predicted: { p99LatencyMs: { edge: 900, serverless: 950 }, costPerMillionUsd: 1, edgeUtilisation: 0.8, attainment: 0.99 },
      },
      version: 3,
    });
    expect(planSample({ plan: null, version: 0 }, 0, start)).toBeUndefined();
    expect(planSample(plan(undefined, start), 1, start)?.warmInstances).toBeUndefined();
    const sample = planSample(plan(2, start + 5000), 6, start)!;
    expect(sample).toMatchObject({ tS: 6, createdAtS: 5, reason: 'rate-change', warmInstances: 2, sloTarget: 0.99, lanes: { edge: { batchSize: 4 } } });

    const records = Array.from({ length: 100 }, (_, i) => ok(i * 100, i < 50 ? 'edge' : 'serverless', i < 50 ? 2 : 8, i === 99 ? 1500 : 200));
    const run: StackRunRecord = {
      format: STACK_RUN_FORMAT,
      startedAt: new Date(start).toISOString(),
      sloMs: 1000,
      durationS: 10,
      scenario: { model: 'test' },
      records,
      link: { tS: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], mbps: [30, 30, 30, 30, 30, 2, 2, 2, 2, 2, 2] },
      plans: [sample],
      history: { tS: [], rateRps: [], edgeMbps: [], edgeShare: [], queueDepth: [] },
      changepoints: [{ tS: 5.2, kind: 'bandwidth' }],
      replans: [{ tS: 5, reason: 'bandwidth-change' }],
      scheduler: { replans: 1, replanReasons: { 'bandwidth-change': 1 }, costUsd: {}, coldStarts: 0, batches: {} },
    };
    const analysis = analyseRun(run);
    expect(analysis.sloTarget).toBe(0.99);
    expect(analysis.sloTargetFromPlan).toBe(true);
    expect(analysis.summary.sloAttainment).toBe(0.99);
    expect(analysis.targetMet).toBe(true);
    expect(analysis.batchStats.edge).toEqual({ batches: 25, meanSize: 2, maxSize: 2 });
    expect(analysis.batchStats.serverless).toEqual({ batches: 6, meanSize: 50 / 6.25, maxSize: 8 });
    expect(analysis.warmInstances).toEqual([2]);
    expect(analysis.replans[0]!.plan?.warmInstances).toBe(2);
    const rows = Object.fromEntries(analysisRows(analysis));
    expect(rows['changepoints']).toBe('arrival rate at none; edge link at 5 s');
    expect(rows['warm FC instances (plan)']).toMatch(/^2 /);
    expect(rows['SLO target']).toMatch(/^99\.0% within 1 s \(the plan's target\): met$/);
  });

  it('says where the target was missed', () => {
    const records: ReplayRecord[] = [ok(500, 'edge', 1), ok(12_000, 'edge', 1, 1200), { sentAtMs: 13_000, latencyMs: 5, status: 429, errorCode: 'queue_full' }];
    const run = {
      format: STACK_RUN_FORMAT,
      startedAt: '',
      sloMs: 1000,
      durationS: 20,
      scenario: {},
      records,
      link: { tS: [10, 11, 12], mbps: [3, 3, 3] },
      plans: [],
      history: { tS: [], rateRps: [], edgeMbps: [], edgeShare: [], queueDepth: [] },
      changepoints: [],
      replans: [],
      scheduler: { replans: 0, replanReasons: {}, costUsd: {}, coldStarts: 0, batches: {} },
    } satisfies StackRunRecord;
    const analysis = analyseRun(run);
    expect(analysis.sloTargetFromPlan).toBe(false);
    expect(analysis.targetMet).toBe(false);
    const why = Object.fromEntries(analysisRows(analysis))['why not'];
    expect(why).toBe('2 of 3 requests missed: 1 answered late by the edge, 1 refused (queue_full, 429); most (2) in 10 s-20 s, at 0 req/s with the edge link at 3.0 Mbit/s');
  });
});
