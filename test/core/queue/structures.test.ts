import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrivalDeque } from '../../../shared/core/queue/arrival-deque.js';
import { DeadlineHeap } from '../../../shared/core/queue/deadline-heap.js';
import type { QueueEntry } from '../../../shared/core/queue/entry.js';
import { req } from './fixtures.js';

const entry = (seq: number, arrivalMs: number, deadlineMs: number): QueueEntry => ({ request: req(`r${seq}`, arrivalMs, deadlineMs), seq, lane: 'edge', live: true });

// Operations: add an entry, remove the first, or kill an arbitrary live one (lazy removal from the middle).
const ops = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('add' as const), arrival: fc.integer({ min: 0, max: 50 }), deadline: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ op: fc.constant('take' as const) }),
    fc.record({ op: fc.constant('kill' as const), pick: fc.nat() }),
  ),
  { maxLength: 400 },
);

describe('queue structures against a sorted reference', () => {
  it('DeadlineHeap yields live entries by (deadline, seq) under lazy removal and compaction', () => {
    fc.assert(
      fc.property(ops, (script) => {
        const heap = new DeadlineHeap();
        let reference: QueueEntry[] = [];
        let seq = 0;
        const byDue = (a: QueueEntry, b: QueueEntry) => a.request.deadlineMs - b.request.deadlineMs || a.seq - b.seq;
        for (const step of script) {
          if (step.op === 'add') {
            const e = entry(seq++, step.arrival, step.deadline);
            heap.push(e);
            reference.push(e);
          } else if (step.op === 'take') {
            reference.sort(byDue);
            expect(heap.pop()).toBe(reference.shift());
          } else if (reference.length > 0) {
            const [victim] = reference.splice(step.pick % reference.length, 1);
            victim!.live = false;
            heap.compactIfSparse(reference.length);
          }
          reference = reference.filter((e) => e.live);
          expect(heap.peek()).toBe([...reference].sort(byDue)[0]);
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('ArrivalDeque keeps arrival order for out-of-order pushes and lazy removal', () => {
    fc.assert(
      fc.property(ops, (script) => {
        const deque = new ArrivalDeque();
        const reference: QueueEntry[] = [];
        let seq = 0;
        const byArrival = (a: QueueEntry, b: QueueEntry) => a.request.arrivalMs - b.request.arrivalMs || a.seq - b.seq;
        for (const step of script) {
          if (step.op === 'add') {
            const e = entry(seq++, step.arrival, step.deadline);
            deque.push(e);
            reference.push(e);
            reference.sort(byArrival);
          } else if (step.op === 'take') {
            expect(deque.shift()).toBe(reference.shift());
          } else if (reference.length > 0) {
            const [victim] = reference.splice(step.pick % reference.length, 1);
            victim!.live = false;
            deque.noteRemoved();
          }
          expect(deque.size).toBe(reference.length);
          expect(deque.live()).toEqual(reference);
          expect(deque.last()).toBe(reference[reference.length - 1]);
        }
      }),
      { seed: 12, numRuns: 300 },
    );
  });
});
