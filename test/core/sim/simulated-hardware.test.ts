import { describe, expect, it } from 'vitest';
import { EventHeap } from '../../../shared/core/sim/event-heap.js';
import { InstancePool, Link } from '../../../shared/core/sim/simulated-hardware.js';
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

  it('keeps that order through growth and interleaved pushes and pops', () => {
    const heap = new EventHeap<{ atMs: number; i: number }>();
    const pending: Array<{ atMs: number; i: number }> = [];
    const popped: number[] = [];
    const expectedOrder: number[] = [];
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 2000; i += 1) {
      // Times on a coarse grid, so ties are common; a pop after every third push keeps the heap busy and growing.
      const event = { atMs: Math.floor(next() * 50), i };
      heap.push(event);
      pending.push(event);
      if (i % 3 === 2) {
        pending.sort((a, b) => a.atMs - b.atMs || a.i - b.i);
        expect(heap.peekTime()).toBe(pending[0]!.atMs);
        expectedOrder.push(pending.shift()!.i);
        popped.push(heap.pop()!.i);
      }
    }
    expect(heap.size).toBe(pending.length);
    pending.sort((a, b) => a.atMs - b.atMs || a.i - b.i);
    while (heap.size > 0) popped.push(heap.pop()!.i);
    expect(popped).toEqual([...expectedOrder, ...pending.map((e) => e.i)]);
    expect(heap.pop()).toBeUndefined();
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

describe('InstancePool warm instances', () => {
  it('keeps warm instances past keep-alive, ready once started, and bills their idle memory', () => {
    const pool = new InstancePool(1, 1000, 10);
    pool.setWarm(0, config, 2, 300); // FC starts them in the background: ready at 300 ms
    expect(pool.freeSlots(100, config)).toBe(8); // the two starting take no call yet (the limit still counts them)
    const early = pool.acquire(100, config)!;
    expect(early.cold).toBe(true); // a third, on-demand instance
    pool.release(early.instance, 200);
    const a = pool.acquire(5_000, config)!; // long past keep-alive: a warm one, not cold
    expect(a.cold).toBe(false);
    pool.release(a.instance, 5_500);
    expect(pool.coldStarts).toBe(1);
    pool.finish(10_000);
    // Two instances of 1 GB idle from 300 ms to 10 s, less the one's 500 ms of work: 2 * 9,700 - 500 GB ms.
    expect(pool.warmIdleGbMs).toBeCloseTo(2 * 9_700 - 500, 6);
  });

  it("returns warm instances past a lowered count to on-demand, and retires another memory size's", () => {
    const pool = new InstancePool(1, 1000, 10);
    pool.setWarm(0, config, 3, 0);
    pool.setWarm(1_000, config, 1, 0);
    expect(pool.freeSlots(5_000, config)).toBe(10); // the two chilled ones expired after keep-alive; the warm one is free
    const bigger = { memoryMb: 2048, cpu: 1 };
    pool.setWarm(6_000, bigger, 1, 0);
    expect(pool.freeSlots(6_000, bigger)).toBe(10); // the old size's warm one retired: 9 to start, 1 warm
    const call = pool.acquire(6_500, bigger)!;
    expect(call.cold).toBe(false);
    pool.release(call.instance, 6_500);
    pool.finish(7_000);
    // 1 GB: three idle 0-1 s and one 1-6 s; 2 GB: one idle 6-7 s.
    expect(pool.warmIdleGbMs).toBeCloseTo(3 * 1_000 + 5_000 + 2 * 1_000, 6);
  });
});
