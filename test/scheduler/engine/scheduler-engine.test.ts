import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchedulerEngine } from '../../../functions/scheduler/engine/scheduler-engine.js';
import type { InferAnswer } from '../../../functions/scheduler/engine/answer.js';
import { DATA } from '../../support/paths.js';
import { ScriptedLane, lanesFailing, liveState, makePlan } from './fixtures.js';

const jpeg = readFileSync(join(DATA, 'seed/images/1.jpg'));

function setup(edgeShare: number, batchSize = 4, timeoutMs = 30) {
  const edge = new ScriptedLane('edge');
  const serverless = new ScriptedLane('serverless');
  const state = liveState({ sloMs: 2000, plan: makePlan({ batchSize, timeoutMs, share: edgeShare }) });
  const engine = new SchedulerEngine({ edge, serverless }, state, { payloadBytes: 1000, now: Date.now });
  return { edge, serverless, engine, state };
}

const submit = (engine: SchedulerEngine, data: Uint8Array = jpeg) => engine.submit({ data, contentType: 'image/jpeg', priority: 'high' });

describe('SchedulerEngine', () => {
  it('batches requests up to the batch size and answers each with its own result', async () => {
    const { engine, edge } = setup(1, 4);
    const answers = await Promise.all(Array.from({ length: 8 }, () => submit(engine)));
    expect(edge.batches.map((batch) => batch.items.length)).toEqual([4, 4]);
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(8);
    for (const answer of answers) {
      expect(answer).toMatchObject({ placement: 'edge', batchSize: 4, target: 'edge-target', result: { labels: [{ label: 'edge' }] } });
      expect(answer.timings.totalMs).toBeGreaterThanOrEqual(answer.timings.queueMs);
    }
  });

  it('closes a partial batch when its timeout is up', async () => {
    const { engine, edge } = setup(1, 10, 20);
    const answers = await Promise.all([submit(engine), submit(engine), submit(engine)]);
    expect(edge.batches).toHaveLength(1);
    expect(answers[0]!.batchSize).toBe(3);
    expect(answers[0]!.timings.queueMs).toBeGreaterThanOrEqual(15);
  });

  it('retries a failed batch on the other lane and says so', async () => {
    const { engine, edge, serverless } = setup(1, 2);
    edge.failWith = lanesFailing('lane_failed');
    const answers = await Promise.all([submit(engine), submit(engine)]);
    // How the two are batched depends on timing; that both went to the other lane after the edge failed does not.
    expect(serverless.batches.reduce((sum, batch) => sum + batch.items.length, 0)).toBe(2);
    expect(answers.every((answer: InferAnswer) => answer.placement === 'serverless' && answer.retried)).toBe(true);
  });

  it('tells the observer of a call that timed out, with its bits and the time it had (a bound on the link)', async () => {
    const edge = new ScriptedLane('edge');
    const serverless = new ScriptedLane('serverless');
    const timedOut: { lane: string; bits: number; elapsedMs: number }[] = [];
    const state = liveState({ sloMs: 2000, plan: makePlan({ batchSize: 2, timeoutMs: 30, share: 1 }) });
    const engine = new SchedulerEngine({ edge, serverless }, state, { payloadBytes: 1000, now: Date.now }, {
      callTimedOut: ({ lane, bits, elapsedMs }) => timedOut.push({ lane, bits, elapsedMs }),
    });
    edge.failWith = lanesFailing('deadline_exceeded');
    await Promise.all([submit(engine), submit(engine)]);
    const edgeBits = edge.batches.reduce((sum, batch) => sum + batch.items.reduce((bits, item) => bits + item.data.byteLength * 8, 0), 0);
    expect(timedOut.filter((event) => event.lane === 'edge').reduce((sum, event) => sum + event.bits, 0)).toBe(edgeBits);
    expect(timedOut.every((event) => event.elapsedMs >= 0)).toBe(true);
    // A failure that is not a timeout says nothing of the link.
    timedOut.length = 0;
    edge.failWith = lanesFailing('lane_failed');
    await Promise.all([submit(engine), submit(engine)]);
    expect(timedOut).toEqual([]);
  });

  it('answers every request with the error when both lanes fail', async () => {
    const { engine, edge, serverless } = setup(1, 2);
    edge.failWith = lanesFailing('lane_failed');
    serverless.failWith = lanesFailing('lane_failed');
    const results = await Promise.allSettled([submit(engine), submit(engine)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'lane_failed' });
  });

  it('fails only the item the lane could not process', async () => {
    const { engine } = setup(1, 2);
    const bad = Uint8Array.from(jpeg);
    bad[0] = 0xee;
    const [good, broken] = await Promise.allSettled([submit(engine), submit(engine, bad)]);
    expect(good.status).toBe('fulfilled');
    expect((broken as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/cannot decode/) });
  });

  it('refuses at once when no lane is healthy (503)', async () => {
    const { engine, edge, serverless } = setup(0.5);
    edge.isHealthy = false;
    serverless.isHealthy = false;
    await expect(submit(engine)).rejects.toMatchObject({ code: 'no_lane' });
  });

  it('applies a new plan live: traffic moves to the lane the plan names', async () => {
    const { engine, edge, serverless } = setup(1, 1);
    await submit(engine);
    engine.setPlan(makePlan({ batchSize: 1, timeoutMs: 10, share: 0 }, 1));
    const answer = await submit(engine);
    expect(edge.batches).toHaveLength(1);
    expect(serverless.batches).toHaveLength(1);
    expect(answer.placement).toBe('serverless');
  });

  it('answers everything still queued when stopped', async () => {
    const { engine } = setup(1, 100, 1000);
    const pending = [submit(engine), submit(engine)];
    engine.stop();
    const results = await Promise.allSettled(pending);
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    await expect(submit(engine)).rejects.toMatchObject({ code: 'no_lane' });
  });

  it('counts arrivals for the rate detector', async () => {
    const { engine } = setup(1, 1);
    await Promise.all([submit(engine), submit(engine), submit(engine)]);
    expect(engine.takeArrivalCount()).toBe(3);
    expect(engine.takeArrivalCount()).toBe(0);
  });
});
