/**
 * A binary min-heap of entries by deadline, with lazy removal: dead entries are dropped when they reach the
 * top, and the heap is rebuilt from its live entries when dead ones dominate. O(log n) per request.
 */
import { dueBefore, type QueueEntry } from './entry.js';

const COMPACT_SLACK = 64;

export class DeadlineHeap {
  private items: QueueEntry[] = [];

  push(entry: QueueEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!dueBefore(entry, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = entry;
  }

  /** The live entry with the earliest deadline, or undefined. */
  peek(): QueueEntry | undefined {
    const items = this.items;
    while (items.length > 0 && !items[0]!.live) this.removeTop();
    return items[0];
  }

  /** Removes and returns the live entry with the earliest deadline (it stays live: the caller decides). */
  pop(): QueueEntry | undefined {
    const top = this.peek();
    if (top !== undefined) this.removeTop();
    return top;
  }

  /** Rebuilds from live entries when dead ones outnumber them; `liveCount` is what the caller knows is live. */
  compactIfSparse(liveCount: number): void {
    if (this.items.length - liveCount <= liveCount + COMPACT_SLACK) return;
    const live = this.items.filter((entry) => entry.live);
    this.items = live;
    for (let i = (live.length >> 1) - 1; i >= 0; i -= 1) this.siftDown(i);
  }

  clear(): void {
    this.items = [];
  }

  private removeTop(): void {
    const items = this.items;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      this.siftDown(0);
    }
  }

  private siftDown(start: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[start]!;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && dueBefore(items[right]!, items[left]!) ? right : left;
      if (!dueBefore(items[child]!, entry)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = entry;
  }
}
