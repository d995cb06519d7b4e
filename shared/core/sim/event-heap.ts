/**
 * A binary min-heap of timed events for the simulator's virtual clock. Ties break by insertion order, so runs
 * are deterministic. Events are small records; arrivals do not go through the heap (they are merged in from the
 * sorted trace), which keeps it to the handful of timers, transfers and completions in flight.
 */
export interface TimedEvent {
  readonly atMs: number;
}

interface Slot<E> {
  readonly event: E;
  readonly seq: number;
}

export class EventHeap<E extends TimedEvent> {
  private readonly slots: Slot<E>[] = [];
  private seq = 0;

  get size(): number {
    return this.slots.length;
  }

  push(event: E): void {
    const slots = this.slots;
    slots.push({ event, seq: this.seq++ });
    let i = slots.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [slots[i], slots[parent]] = [slots[parent]!, slots[i]!];
      i = parent;
    }
  }

  peekTime(): number {
    return this.slots.length > 0 ? this.slots[0]!.event.atMs : Infinity;
  }

  pop(): E | undefined {
    const slots = this.slots;
    if (slots.length === 0) return undefined;
    const top = slots[0]!.event;
    const last = slots.pop()!;
    if (slots.length > 0) {
      slots[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < slots.length && this.less(left, smallest)) smallest = left;
        if (right < slots.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        [slots[i], slots[smallest]] = [slots[smallest]!, slots[i]!];
        i = smallest;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.slots[a]!;
    const y = this.slots[b]!;
    return x.event.atMs < y.event.atMs || (x.event.atMs === y.event.atMs && x.seq < y.seq);
  }
}
