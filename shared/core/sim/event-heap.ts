/**
 * A binary min-heap of timed events for the simulator's virtual clock. Ties break by insertion order, so runs
 * are deterministic. Arrivals do not go through the heap (they are merged in from the sorted trace), which keeps
 * it to the handful of timers, transfers and completions in flight. Times and insertion numbers sit in typed
 * arrays beside the events, grown by doubling: a push or pop allocates nothing.
 */
export interface TimedEvent {
  readonly atMs: number;
}

export class EventHeap<E extends TimedEvent> {
  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  private events: Array<E | undefined> = new Array<E | undefined>(64).fill(undefined);
  private count = 0;
  private seq = 0;

  get size(): number {
    return this.count;
  }

  push(event: E): void {
    if (this.count === this.times.length) this.grow();
    const atMs = event.atMs;
    const seq = this.seq++;
    // Sift up: move parents later than the new event down until its place is found.
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!precedes(atMs, seq, this.times[parent]!, this.seqs[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, atMs, seq, event);
  }

  peekTime(): number {
    return this.count > 0 ? this.times[0]! : Infinity;
  }

  pop(): E | undefined {
    if (this.count === 0) return undefined;
    const top = this.events[0];
    const last = --this.count;
    const atMs = this.times[last]!;
    const seq = this.seqs[last]!;
    const event = this.events[last]!;
    this.events[last] = undefined;
    if (last > 0) {
      // Sift the last event down from the root: move the earlier child up until its place is found.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= last) break;
        const right = left + 1;
        const child = right < last && precedes(this.times[right]!, this.seqs[right]!, this.times[left]!, this.seqs[left]!) ? right : left;
        if (!precedes(this.times[child]!, this.seqs[child]!, atMs, seq)) break;
        this.move(child, i);
        i = child;
      }
      this.place(i, atMs, seq, event);
    }
    return top;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.events[to] = this.events[from];
  }

  private place(slot: number, atMs: number, seq: number, event: E): void {
    this.times[slot] = atMs;
    this.seqs[slot] = seq;
    this.events[slot] = event;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const seqs = new Float64Array(this.seqs.length * 2);
    times.set(this.times);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
    this.events.length = times.length;
    this.events.fill(undefined, this.count);
  }
}

/** Event a (at aMs, inserted a-th) is due before event b: earlier, or as early and inserted first. */
function precedes(aMs: number, aSeq: number, bMs: number, bSeq: number): boolean {
  return aMs < bMs || (aMs === bMs && aSeq < bSeq);
}
