/**
 * The core's error vocabulary becomes HTTP only at the adapter: a broken invariant inside the core answers 500
 * (and is logged), input the caller can fix answers 400, whatever route it surfaces on.
 */
import { describe, expect, it } from 'vitest';
import { createSchedulerApp, type SchedulerServices } from '../../functions/scheduler/app.js';
import type { SchedulerEngine } from '../../functions/scheduler/engine/scheduler-engine.js';
import { blamesCaller, errorResponse, httpStatusOf } from '../../functions/scheduler/http-errors.js';
import { ERROR_CODES, EngineError } from '../../shared/core/errors.js';
import { VirtualQueue } from '../../shared/core/queue/index.js';
import { makeLanes, makePlan, req } from '../core/queue/fixtures.js';
import { seedCropJpeg } from '../model/support.js';

/** The scheduler's HTTP app around an engine whose queue is handed a lane status the core refuses. */
function schedulerWithBrokenLaneStatus(onInternalError: (error: unknown) => void) {
  const queue = new VirtualQueue();
  const engine = {
    submit: async () => {
      queue.admit(req('a', 0), makePlan(), makeLanes({ serverless: { serviceMs: () => Number.NaN } }), 0);
      throw new Error('unreachable: the queue accepted a NaN service time');
    },
  } as unknown as SchedulerEngine;
  const services: SchedulerServices = {
    engine,
    planning: { ingestTelemetry: async () => ({ accepted: 0 }), planView: () => ({}), stateView: () => ({}), applyConfig: async () => ({}) },
    limits: { maxBodyBytes: 1 << 20, maxPixels: 40e6, maxTelemetryBytes: 1 << 16, maxProbeBytes: 1024, defaultPriority: 'low' },
    laneHealth: () => ({ edge: true, serverless: true }),
    onInternalError,
    now: () => 0,
  };
  return createSchedulerApp(services);
}

describe('core errors at the HTTP adapter', () => {
  it('answers a broken core invariant with 500 internal and logs it', async () => {
    const logged: unknown[] = [];
    const app = schedulerWithBrokenLaneStatus((error) => logged.push(error));
    const response = await app.request('/v1/infer', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(seedCropJpeg()) });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(500);
    expect(body.error.code).toBe('internal');
    expect(body.error.message).toMatch(/lanes\.serverless\.serviceMs\(1\) to be a number >= 0/);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ name: 'EngineError', code: 'internal' });
  });

  it('answers input the caller can fix with 400 invalid_input, and logs nothing', async () => {
    const logged: unknown[] = [];
    const app = schedulerWithBrokenLaneStatus((error) => logged.push(error));
    const response = await app.request('/v1/infer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"image": 1' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
    expect(logged).toEqual([]);
  });

  it('hides the details of an error that is not an EngineError', async () => {
    const logged: unknown[] = [];
    const response = errorResponse(new TypeError('secret detail'), { onInternal: (error) => logged.push(error) });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret detail');
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal' } });
    expect(logged).toHaveLength(1);
  });

  it('gives every code of the vocabulary a status: the caller-side ones 4xx, infeasible 422, the server-side ones 5xx', () => {
    for (const code of ERROR_CODES) expect(httpStatusOf(code), code).toBeGreaterThanOrEqual(400);
    expect(httpStatusOf('invalid_input')).toBe(400);
    expect(httpStatusOf('infeasible')).toBe(422);
    expect(httpStatusOf('internal')).toBe(500);
    expect(ERROR_CODES.filter((code) => !blamesCaller(code))).toEqual(['internal', 'lane_failed', 'no_lane', 'store_unavailable', 'deadline_exceeded']);
  });

  it('says when to retry a refusal, and closes the connection when asked', () => {
    const busy = errorResponse(new EngineError('queue_full', 'full', 2500), { closeConnection: true });
    expect([busy.status, busy.headers.get('retry-after'), busy.headers.get('connection')]).toEqual([429, '3', 'close']);
    expect(errorResponse(new EngineError('no_lane', 'none')).headers.get('retry-after')).toBe('1');
    expect(errorResponse(new EngineError('invalid_input', 'bad')).headers.get('retry-after')).toBeNull();
  });
});
