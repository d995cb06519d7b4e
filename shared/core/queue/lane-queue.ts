/**
 * The requests waiting for one lane: a FIFO per priority class (arrival order) and a deadline heap over both.
 * A batch takes high-priority requests first, then low, FIFO within each class.
 */
import type { Priority, QueuedRequest } from '../types.js';
import { ArrivalDeque } from './arrival-deque.js';
import { DeadlineHeap } from './deadline-heap.js';
import { arrivesBefore, type QueueEntry } from './entry.js';

export class LaneQueue {
  readonly high = new ArrivalDeque();
  readonly low = new ArrivalDeque();
  private readonly deadlines = new DeadlineHeap();

  get size(): number {
    return this.high.size + this.low.size;
  }

  classOf(priority: Priority): ArrivalDeque {
    return priority === 'high' ? this.high : this.low;
  }

  add(entry: QueueEntry): void {
    this.classOf(entry.request.priority).push(entry);
    this.deadlines.push(entry);
  }

  /** Arrival of the oldest waiting request: the start of the current batch's wait. Infinity when empty. */
  oldestArrivalMs(): number {
    const high = this.high.first();
    const low = this.low.first();
    if (high === undefined) return low === undefined ? Infinity : low.request.arrivalMs;
    if (low === undefined) return high.request.arrivalMs;
    return arrivesBefore(high, low) ? high.request.arrivalMs : low.request.arrivalMs;
  }

  /** The waiting request due first, or undefined. */
  earliestDue(): QueueEntry | undefined {
    return this.deadlines.peek();
  }

  /** Removes the waiting request due first (marking it dead) and returns it. */
  removeEarliestDue(): QueueEntry | undefined {
    const entry = this.deadlines.pop();
    if (entry === undefined) return undefined;
    this.kill(entry);
    return entry;
  }

  /** Removes up to `count` requests, high priority first, FIFO within a class. */
  takeBatch(count: number): QueuedRequest[] {
    const batch: QueuedRequest[] = [];
    while (batch.length < count) {
      const entry = this.high.shift() ?? this.low.shift();
      if (entry === undefined) break;
      batch.push(entry.request);
    }
    this.deadlines.compactIfSparse(this.size);
    return batch;
  }

  /** Removes one specific live entry of this lane. */
  remove(entry: QueueEntry): void {
    this.kill(entry);
  }

  /** Removes every waiting request and returns them in arrival order. */
  takeAll(): QueueEntry[] {
    const high = this.high.live();
    const low = this.low.live();
    this.high.clear();
    this.low.clear();
    this.deadlines.clear();
    const all = mergeByArrival(high, low);
    for (const entry of all) entry.live = false;
    return all;
  }

  private kill(entry: QueueEntry): void {
    entry.live = false;
    this.classOf(entry.request.priority).noteRemoved();
    this.deadlines.compactIfSparse(this.size);
  }
}

function mergeByArrival(a: readonly QueueEntry[], b: readonly QueueEntry[]): QueueEntry[] {
  const out: QueueEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(arrivesBefore(a[i]!, b[j]!) ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
