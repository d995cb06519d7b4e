/**
 * Hedged dispatch in the engine, with lanes the test holds and releases: a batch still out at its hedge instant
 * is copied to the other lane, the first answer wins, a copy's failure never fails a request its twin can still
 * answer, and no hedge timer outlives its batch. (Real HTTP: test/scheduler/hedging-http.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InferAnswer } from '../../../functions/scheduler/engine/answer.js';
import type { EngineObserver } from '../../../functions/scheduler/engine/observer.js';
import { SchedulerEngine } from '../../../functions/scheduler/engine/scheduler-engine.js';
import type { BatchDispatch, BatchOutcome } from '../../../functions/scheduler/lanes/batch-runner.js';
import type { Lane } from '../../../functions/scheduler/lanes/lane.js';
import { EngineError } from '../../../shared/core/errors.js';
import type { LaneId } from '../../../shared/core/types.js';
import { DATA } from '../../support/paths.js';
import { ScriptedLane, liveState, makePlan } from './fixtures.js';

const jpeg = readFileSync(join(DATA, 'seed/images/1.jpg'));
const SLO_MS = 250;

/** A lane whose calls wait until the test answers or fails them. */
class HeldLane implements Lane {
  readonly calls: { dispatch: BatchDispatch; answer: () => void; fail: (error: EngineError) => void }[] = [];
  constructor(readonly id: LaneId) {}
  healthy(): boolean {
    return true;
  }
  freeSlots(): number {
    return 4 - this.calls.length;
  }
  status(): unknown {
    return {};
  }
  run(dispatch: BatchDispatch): Promise<BatchOutcome> {
    return new Promise((resolve, reject) => {
      const outcome: BatchOutcome = {
        response: {
          batchId: dispatch.batchId,
          model: 'held',
          results: dispatch.items.map((item) => ({ id: item.id, ok: true as const, labels: [{ label: this.id, score: 1 }] })),
          timings: { preprocessMs: 1, inferMs: 1, totalMs: 2 },
        },
        roundTripMs: 3,
        bytesSent: 100,
        target: `${this.id}-held`,
      };
      this.calls.push({ dispatch, answer: () => resolve(outcome), fail: reject });
    });
  }
}

const engines: SchedulerEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.stop();
});

function setup(serverless: Lane = new ScriptedLane('serverless')) {
  const edge = new HeldLane('edge');
  const events = { hedges: [] as { lane: LaneId; size: number }[], answered: [] as InferAnswer[], failed: [] as string[] };
  const observer: EngineObserver = {
    hedgeSent: ({ lane, size }) => events.hedges.push({ lane, size }),
    requestAnswered: ({ answer }) => events.answered.push(answer),
    requestFailed: ({ id }) => events.failed.push(id),
  };
  const state = liveState({ sloMs: SLO_MS, plan: makePlan({ batchSize: 2, timeoutMs: 5, share: 1 }) });
  const engine = new SchedulerEngine({ edge, serverless }, state, { payloadBytes: 1000, now: Date.now }, observer);
  engines.push(engine);
  return { edge, serverless, engine, events };
}

const submit = (engine: SchedulerEngine) => engine.submit({ data: jpeg, contentType: 'image/jpeg', priority: 'high' });
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
};

describe('hedged dispatch in the engine', () => {
  it('copies a late edge batch to serverless one request per call; the copies answer, the late original is dropped', async () => {
    const { engine, edge, serverless, events } = setup();
    const answers = Promise.all([submit(engine), submit(engine)]);
    await until(() => edge.calls.length === 1);
    expect(engine.hedgeTimers).toEqual({ armed: 1, timerSet: true });
    const settled = await answers;
    expect(settled.map((answer) => [answer.placement, answer.hedged, answer.retried])).toEqual([
      ['serverless', true, false],
      ['serverless', true, false],
    ]);
    // FC scales out: one call per request, the shortest tail.
    expect((serverless as ScriptedLane).batches.map((batch) => batch.items.length)).toEqual([1, 1]);
    expect(events.hedges).toEqual([
      { lane: 'serverless', size: 1 },
      { lane: 'serverless', size: 1 },
    ]);
    for (const answer of settled) expect(answer.timings.totalMs).toBeLessThanOrEqual(SLO_MS);
    edge.calls[0]!.answer(); // the original, late: nobody hears of it
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.answered).toHaveLength(2);
    expect(events.failed).toEqual([]);
    expect(engine.hedgeTimers).toEqual({ armed: 0, timerSet: false });
  });

  it('does not hedge a batch answered on time, and leaves no timer behind', async () => {
    const { engine, edge, serverless, events } = setup();
    const answers = Promise.all([submit(engine), submit(engine)]);
    await until(() => edge.calls.length === 1);
    edge.calls[0]!.answer();
    expect((await answers).map((answer) => [answer.placement, answer.hedged])).toEqual([
      ['edge', false],
      ['edge', false],
    ]);
    expect(engine.hedgeTimers).toEqual({ armed: 0, timerSet: false });
    await new Promise((resolve) => setTimeout(resolve, SLO_MS));
    expect(events.hedges).toEqual([]);
    expect((serverless as ScriptedLane).batches).toEqual([]);
  });

  it('a failed hedge copy does not fail the request while the original can still answer', async () => {
    const held = new HeldLane('serverless');
    const { engine, edge, events } = setup(held);
    const answer = submit(engine);
    await until(() => held.calls.length === 1);
    held.calls[0]!.fail(new EngineError('lane_failed', 'copy lost', undefined, true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events.failed).toEqual([]);
    edge.calls[0]!.answer();
    expect(await answer).toMatchObject({ placement: 'edge', hedged: false });
    expect(events.answered).toHaveLength(1);
  });

  it('a failed original leaves the request to its hedge copy, without a retry', async () => {
    const held = new HeldLane('serverless');
    const { engine, edge, events } = setup(held);
    const answer = submit(engine);
    await until(() => held.calls.length === 1);
    edge.calls[0]!.fail(new EngineError('deadline_exceeded', 'edge stalled', undefined, true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events.failed).toEqual([]);
    expect(held.calls).toHaveLength(1); // no retry on top of the copy already out
    held.calls[0]!.answer();
    expect(await answer).toMatchObject({ placement: 'serverless', hedged: true });
  });

  it('answers the error once when both copies fail', async () => {
    const held = new HeldLane('serverless');
    const { engine, edge, events } = setup(held);
    const answer = submit(engine).catch((error: unknown) => error);
    await until(() => held.calls.length === 1);
    edge.calls[0]!.fail(new EngineError('deadline_exceeded', 'edge stalled', undefined, true));
    held.calls[0]!.fail(new EngineError('lane_failed', 'copy lost', undefined, true));
    expect(await answer).toMatchObject({ code: 'lane_failed' });
    expect(events.failed).toHaveLength(1);
    expect(events.answered).toEqual([]);
  });

  it('a batch that fails before its hedge instant is retried on the other lane and its hedge disarmed', async () => {
    const { engine, edge, serverless } = setup();
    const answer = submit(engine);
    await until(() => edge.calls.length === 1);
    edge.calls[0]!.fail(new EngineError('lane_failed', 'edge down', undefined, true));
    expect(await answer).toMatchObject({ placement: 'serverless', retried: true, hedged: false });
    expect((serverless as ScriptedLane).batches).toHaveLength(1);
    expect(engine.hedgeTimers).toEqual({ armed: 0, timerSet: false });
  });

  it('shutdown clears the armed hedges', async () => {
    const { engine, edge } = setup();
    void submit(engine).catch(() => undefined);
    await until(() => edge.calls.length === 1);
    expect(engine.hedgeTimers.armed).toBe(1);
    engine.stop();
    expect(engine.hedgeTimers).toEqual({ armed: 0, timerSet: false });
  });
});
