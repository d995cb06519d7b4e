import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchedulerMetrics } from '../../functions/scheduler/ops/metrics.js';
import type { Plan } from '../../shared/core/types.js';
import { DATA } from '../support/paths.js';
import { find, parseExposition } from './prom-text.js';

/** Real edge batches: `batch memoryMB total_s transfer_s infer_s` from the prototype's Jetson Orin runs. */
function orinBatches(): { size: number; totalMs: number }[] {
  return readFileSync(join(DATA, 'seed', 'measurements', 'fitting_orin.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .map(([size, , total]) => ({ size: size!, totalMs: total! * 1000 }));
}

/** Real FC batches: `batch memoryMB latency_s`. */
function fcBatches(): { size: number; memoryMb: number; latencyMs: number }[] {
  return readFileSync(join(DATA, 'seed', 'measurements', 'fitting_api_new.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .map(([size, memoryMb, latency]) => ({ size: size!, memoryMb: memoryMb!, latencyMs: latency! * 1000 }));
}

const PLAN: Plan = {
  policy: 'ours',
  createdAtMs: 1_700_000_000_000,
  reason: 'rate-change',
  rateRps: 48,
  bandwidthMbps: { edge: 31.5, serverless: 80 },
  sloMs: 1000,
  sloTarget: 0.999,
  lanes: { edge: { batchSize: 20, timeoutMs: 400, share: 0.75 }, serverless: { batchSize: 2, timeoutMs: 150, share: 0.25 } },
  serverless: { memoryMb: 2048, cpu: 1 },
  warmInstances: 0,
  predicted: { p99LatencyMs: { edge: 610, serverless: 930 }, costPerMillionUsd: 4.2, edgeUtilisation: 0.8, attainment: 1 },
};

describe('SchedulerMetrics', () => {
  it('histograms of real batch sizes and latencies match counts computed directly from the file', async () => {
    const metrics = new SchedulerMetrics({ processMetrics: false });
    const batches = orinBatches();
    for (const b of batches) metrics.observeBatch('edge', b.size, b.totalMs);
    const text = parseExposition(await metrics.render());

    expect(text.types.get('edgebatch_batch_latency_seconds')).toBe('histogram');
    expect(text.types.get('edgebatch_batch_size')).toBe('histogram');
    expect(find(text, 'edgebatch_batch_latency_seconds_count', { lane: 'edge' })).toBe(batches.length);
    const sumSeconds = batches.reduce((s, b) => s + b.totalMs / 1000, 0);
    expect(find(text, 'edgebatch_batch_latency_seconds_sum', { lane: 'edge' })).toBeCloseTo(sumSeconds, 9);
    // Cumulative buckets: count of observations <= le, computed here without prom-client.
    for (const le of [0.05, 0.1, 0.3, 0.5, 1, 2]) {
      const expected = batches.filter((b) => b.totalMs / 1000 <= le).length;
      expect(find(text, 'edgebatch_batch_latency_seconds_bucket', { lane: 'edge', le: String(le) }), `le=${le}`).toBe(expected);
    }
    expect(find(text, 'edgebatch_batch_latency_seconds_bucket', { lane: 'edge', le: '+Inf' })).toBe(batches.length);
    for (const le of [1, 8, 32, 128]) {
      expect(find(text, 'edgebatch_batch_size_bucket', { lane: 'edge', le: String(le) })).toBe(batches.filter((b) => b.size <= le).length);
    }
    expect(find(text, 'edgebatch_batch_size_sum', { lane: 'edge' })).toBe(batches.reduce((s, b) => s + b.size, 0));
    // Nothing observed on the other lane.
    expect(find(text, 'edgebatch_batch_size_count', { lane: 'serverless' })).toBeUndefined();
  });

  it('exports every operational quantity with its labels', async () => {
    const metrics = new SchedulerMetrics({ processMetrics: false });
    const fc = fcBatches();
    for (const b of fc) metrics.observeBatch('serverless', b.size, b.latencyMs);
    metrics.setQueueDepth('edge', 'high', 3);
    metrics.setQueueDepth('edge', 'low', 17);
    metrics.setQueueDepth('serverless', 'low', 2);
    metrics.observeRequest('result', 420);
    metrics.observeRequest('result', 610);
    metrics.observeRequest('queue_full', 0.4);
    metrics.countSloViolation('serverless');
    metrics.countSloViolation('serverless', 2);
    metrics.countReplan('initial');
    metrics.countReplan('rate-change');
    metrics.countReplan('rate-change');
    metrics.setChangeProbability('rate', 0.93);
    metrics.setChangeProbability('bandwidth', 0.01);
    metrics.setEstimates(48.2, { edge: 31.5, serverless: 80 });
    metrics.addCost('serverless', 0.000123);
    metrics.addCost('serverless', 0.000077);
    metrics.addCost('edge', 0);
    metrics.setLaneHealth('edge', true);
    metrics.setLaneHealth('serverless', false);
    metrics.countColdStart();
    metrics.setPlan(PLAN);
    const text = parseExposition(await metrics.render());

    expect(find(text, 'edgebatch_batch_latency_seconds_count', { lane: 'serverless' })).toBe(fc.length);
    expect(find(text, 'edgebatch_queue_depth', { lane: 'edge', priority: 'low' })).toBe(17);
    expect(find(text, 'edgebatch_queue_depth', { lane: 'edge', priority: 'high' })).toBe(3);
    expect(find(text, 'edgebatch_requests_total', { outcome: 'result' })).toBe(2);
    expect(find(text, 'edgebatch_requests_total', { outcome: 'queue_full' })).toBe(1);
    expect(find(text, 'edgebatch_request_duration_seconds_sum', { outcome: 'result' })).toBeCloseTo(1.03, 12);
    expect(find(text, 'edgebatch_slo_violations_total', { lane: 'serverless' })).toBe(3);
    expect(find(text, 'edgebatch_replans_total', { reason: 'rate-change' })).toBe(2);
    expect(find(text, 'edgebatch_replans_total', { reason: 'initial' })).toBe(1);
    expect(find(text, 'edgebatch_changepoint_probability', { signal: 'rate' })).toBe(0.93);
    expect(find(text, 'edgebatch_arrival_rate_rps')).toBe(48.2);
    expect(find(text, 'edgebatch_bandwidth_mbps', { lane: 'serverless' })).toBe(80);
    expect(find(text, 'edgebatch_cost_usd_total', { lane: 'serverless' })).toBeCloseTo(0.0002, 15);
    expect(find(text, 'edgebatch_cost_usd_total', { lane: 'edge' })).toBeUndefined();
    expect(find(text, 'edgebatch_lane_healthy', { lane: 'serverless' })).toBe(0);
    expect(find(text, 'edgebatch_lane_healthy', { lane: 'edge' })).toBe(1);
    expect(find(text, 'edgebatch_serverless_cold_starts_total')).toBe(1);
    expect(find(text, 'edgebatch_plan_batch_size', { lane: 'edge' })).toBe(20);
    expect(find(text, 'edgebatch_plan_timeout_seconds', { lane: 'serverless' })).toBe(0.15);
    expect(find(text, 'edgebatch_plan_share', { lane: 'edge' })).toBe(0.75);
    expect(find(text, 'edgebatch_plan_serverless_memory_mb')).toBe(2048);
    for (const [name, type] of text.types) {
      expect(text.help.get(name), `${name} has help`).toBeTruthy();
      if (type === 'counter') expect(name.endsWith('_total'), name).toBe(true);
    }
  });

  it('exports the SLO target beside the predicted and measured attainment, the hedges and the warm pool', async () => {
    const metrics = new SchedulerMetrics({ processMetrics: false });
    metrics.setPlan({ ...PLAN, warmInstances: 3, predicted: { ...PLAN.predicted, attainment: 0.9993 } });
    metrics.setSlo({ latencyMs: 800, target: 0.995 });
    metrics.setMeasuredAttainment('recent', null); // nothing ended yet: no sample rather than a made-up value
    metrics.setMeasuredAttainment('since_start', 0.9871);
    metrics.countHedgeSent('serverless', 4);
    metrics.countHedgeSent('edge', 2);
    metrics.countHedgeWon('serverless');
    metrics.addHedgeCost(0.00002);
    metrics.setWarmApplied(3);
    metrics.countWarmError();
    const text = parseExposition(await metrics.render());
    expect(find(text, 'edgebatch_slo_target_ratio')).toBe(0.995);
    expect(find(text, 'edgebatch_slo_latency_seconds')).toBe(0.8);
    expect(find(text, 'edgebatch_plan_slo_target_ratio')).toBe(0.999);
    expect(find(text, 'edgebatch_plan_predicted_attainment_ratio')).toBe(0.9993);
    expect(find(text, 'edgebatch_slo_attainment_ratio', { window: 'since_start' })).toBe(0.9871);
    expect(find(text, 'edgebatch_slo_attainment_ratio', { window: 'recent' })).toBeUndefined();
    expect(find(text, 'edgebatch_hedges_sent_total', { lane: 'serverless' })).toBe(4);
    expect(find(text, 'edgebatch_hedges_sent_total', { lane: 'edge' })).toBe(2);
    expect(find(text, 'edgebatch_hedges_won_total', { lane: 'serverless' })).toBe(1);
    expect(find(text, 'edgebatch_hedge_cost_usd_total')).toBeCloseTo(0.00002, 15);
    expect(find(text, 'edgebatch_plan_warm_instances')).toBe(3);
    expect(find(text, 'edgebatch_serverless_warm_instances_applied')).toBe(3);
    expect(find(text, 'edgebatch_warm_pool_errors_total')).toBe(1);
  });

  it('keeps its own registry: two instances do not share values, process metrics are optional', async () => {
    const a = new SchedulerMetrics({ processMetrics: false });
    const b = new SchedulerMetrics();
    a.countColdStart(5);
    expect(find(parseExposition(await b.render()), 'edgebatch_serverless_cold_starts_total')).toBe(0);
    const withProcess = parseExposition(await b.render());
    expect(withProcess.types.get('edgebatch_process_cpu_user_seconds_total')).toBe('counter');
    expect(parseExposition(await a.render()).types.has('edgebatch_process_cpu_user_seconds_total')).toBe(false);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
