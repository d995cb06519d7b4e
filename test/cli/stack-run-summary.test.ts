import { describe, expect, it } from 'vitest';
import type { ReplayRecord } from '../../cli/loadgen/replay.js';
import { STACK_RUN_FORMAT, planSample, type StackRunRecord } from '../../cli/stack/run-recorder.js';
import { analyseRun, analysisRows, edgeShareByBin, movesOf, whyNot } from '../../cli/stack/run-summary.js';

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
    const records: ReplayRecord[] = [
      ok(500, 'edge', 1),
      ok(12_000, 'edge', 1, 1200),
      { sentAtMs: 13_000, latencyMs: 5, status: 429, errorCode: 'queue_full' },
      ...[14_000, 15_000, 16_000].map((sentAtMs) => ({ sentAtMs, latencyMs: 1000, status: 504, errorCode: 'deadline_exceeded', errorMessage: 'http://127.0.0.1:4000/v1/batch did not answer within 300 ms' })),
      { sentAtMs: 17_000, latencyMs: 1000, status: 504, errorCode: 'deadline_exceeded', errorMessage: 'No lane can answer before the deadline' },
    ];
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
      laneUrls: { edge: 'http://127.0.0.1:4000/v1/batch', serverless: 'http://127.0.0.1:5000/v1/batch' },
      imageBytes: 25_000,
    } satisfies StackRunRecord;
    const analysis = analyseRun(run);
    expect(analysis.sloTargetFromPlan).toBe(false);
    expect(analysis.targetMet).toBe(false);
    const why = Object.fromEntries(analysisRows(analysis, run.imageBytes))['why not'];
    // 6 requests sent in 10-20 s: 0.6 req/s of 25 kB images need 0.12 Mbit/s, which the 3 Mbit/s link carries.
    expect(why).toBe(
      '6 of 7 requests missed: 1 answered late by the edge, 1 refused (queue_full, 429), ' +
        '4 failed at their deadline (3 in calls to the edge, 1 in the queue, no lane able to answer in time); ' +
        'most (6) in 10 s-20 s, at 1 req/s with the edge link at 3.0 Mbit/s',
    );
    const starved = whyNot({ ...analysis, misses: { ...analysis.misses, worstBin: { startS: 60, count: 50, rateRps: 23, linkMbps: 2.5 } } }, 24_178);
    expect(starved).toMatch(/at 23 req\/s with the edge link at 2\.5 Mbit\/s \(the images then needed 4\.4 Mbit\/s: the edge's link could not carry them all\)$/);
  });
});
