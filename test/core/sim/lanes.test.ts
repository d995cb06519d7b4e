import { describe, expect, it } from 'vitest';
import { EventHeap } from '../../../shared/core/sim/event-heap.js';
import { InstancePool, Link } from '../../../shared/core/sim/lanes.js';
import { bandwidthTrace } from '../../../shared/core/traces/bandwidth-trace.js';

const config = { memoryMb: 1024, cpu: 0.5 };

describe('EventHeap', () => {
  it('pops in time order, ties in insertion order', () => {
    const heap = new EventHeap<{ atMs: number; name: string }>();
    const times = [5, 1, 9, 1, 3, 7, 3, 0, 2];
    times.forEach((atMs, i) => heap.push({ atMs, name: `e${i}` }));
    const popped: string[] = [];
    while (heap.size > 0) popped.push(heap.pop()!.name);
    const expectedOrder = times.map((atMs, i) => ({ atMs, i })).sort((a, b) => a.atMs - b.atMs || a.i - b.i).map((e) => `e${e.i}`);
    expect(popped).toEqual(expectedOrder);
    expect(heap.peekTime()).toBe(Infinity);
  });
});

describe('Link', () => {
  it('queues transfers behind each other on the shared link', () => {
    const link = new Link(bandwidthTrace([0], [8], 1000)); // 8 Mbit/s = 8000 bits/ms
    expect(link.send(0, 8000 * 100)).toBeCloseTo(100, 9);
    expect(link.send(50, 8000 * 100)).toBeCloseTo(200, 9); // waits for the first
    expect(link.send(500, 8000 * 10)).toBeCloseTo(510, 9);
  });
});

describe('InstancePool', () => {
  it('starts cold, reuses warm instances, expires them after keep-alive', () => {
    const pool = new InstancePool(1, 1000, 10);
    const a = pool.acquire(0, config)!;
    expect(a.cold).toBe(true);
    pool.release(a.instance, 100);
    const b = pool.acquire(500, config)!;
    expect(b.cold).toBe(false);
    pool.release(b.instance, 600);
    const c = pool.acquire(1700, config)!; // idle since 600: 1100 ms > keep-alive
    expect(c.cold).toBe(true);
    expect(pool.coldStarts).toBe(2);
  });

  it('packs calls up to the instance concurrency and stops at the account limit', () => {
    const pool = new InstancePool(2, 60_000, 2);
    expect(pool.freeSlots(0, config)).toBe(4);
    const calls = [pool.acquire(0, config), pool.acquire(0, config), pool.acquire(0, config), pool.acquire(0, config)];
    expect(calls.map((c) => c?.cold)).toEqual([true, false, true, false]);
    expect(pool.freeSlots(0, config)).toBe(0);
    expect(pool.acquire(0, config)).toBeUndefined();
  });

  it('retires idle instances of the old configuration after a memory switch', () => {
    const pool = new InstancePool(1, 60_000, 1);
    const a = pool.acquire(0, config)!;
    pool.release(a.instance, 10);
    const bigger = { memoryMb: 2048, cpu: 1 };
    expect(pool.freeSlots(20, bigger)).toBe(1);
    expect(pool.acquire(20, bigger)!.cold).toBe(true);
  });
});
