/**
 * A FIFO of entries kept in arrival order, with lazy removal. Arrivals normally come in order, so `push` is an
 * append; an out-of-order arrival (or a request moved in from another lane) is inserted by binary search.
 * Amortised O(1) per request on the normal path.
 */
import { arrivesBefore, type QueueEntry } from './entry.js';

/** Compact once dead entries outnumber live ones by this much: keeps memory O(live). */
const COMPACT_SLACK = 64;

export class ArrivalDeque {
  private items: QueueEntry[] = [];
  private head = 0;
  /** Live entries; the caller reports removals it makes by flag through `noteRemoved`. */
  private liveCount = 0;

  get size(): number {
    return this.liveCount;
  }

  push(entry: QueueEntry): void {
    const items = this.items;
    const last = items.length > this.head ? items[items.length - 1] : undefined;
    if (last === undefined || !arrivesBefore(entry, last)) {
      items.push(entry);
    } else {
      let lo = this.head;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (arrivesBefore(entry, items[mid]!)) hi = mid;
        else lo = mid + 1;
      }
      items.splice(lo, 0, entry);
    }
    this.liveCount += 1;
  }

  /** The oldest live entry, or undefined. */
  first(): QueueEntry | undefined {
    this.skipDeadHead();
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes and returns the oldest live entry (marking it dead). */
  shift(): QueueEntry | undefined {
    const entry = this.first();
    if (entry === undefined) return undefined;
    this.items[this.head] = undefined as unknown as QueueEntry; // let it be collected before compaction
    this.head += 1;
    entry.live = false;
    this.liveCount -= 1;
    this.maybeCompact();
    return entry;
  }

  /** The newest live entry, or undefined. */
  last(): QueueEntry | undefined {
    const items = this.items;
    while (items.length > this.head && !items[items.length - 1]!.live) items.pop();
    return items.length > this.head ? items[items.length - 1] : undefined;
  }

  /** Removes and returns the newest live entry (marking it dead). */
  pop(): QueueEntry | undefined {
    const entry = this.last();
    if (entry === undefined) return undefined;
    this.items.pop();
    entry.live = false;
    this.liveCount -= 1;
    return entry;
  }

  /** An entry of this deque was marked dead elsewhere (by deadline, removal or a move). */
  noteRemoved(): void {
    this.liveCount -= 1;
    this.maybeCompact();
  }

  /** Live entries in arrival order. */
  live(): QueueEntry[] {
    const out: QueueEntry[] = [];
    for (let i = this.head; i < this.items.length; i += 1) {
      const entry = this.items[i]!;
      if (entry.live) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.liveCount = 0;
  }

  private skipDeadHead(): void {
    const items = this.items;
    while (this.head < items.length && !items[this.head]!.live) {
      items[this.head] = undefined as unknown as QueueEntry;
      this.head += 1;
    }
  }

  private maybeCompact(): void {
    const physical = this.items.length - this.head;
    if (physical - this.liveCount > this.liveCount + COMPACT_SLACK || (this.head > COMPACT_SLACK && this.head * 2 > this.items.length)) {
      this.items = this.live();
      this.head = 0;
    }
  }
}
