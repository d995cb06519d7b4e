import { describe, expect, it } from 'vitest';
import { LaneClock } from '../../../shared/core/queue/lane-clock.js';

// 1 Mbit/s carries 1,000 bits a ms: a batch of 500,000 bits takes 500 ms on the link.
const MBPS = 1;
const BITS = 500_000;
/** An edge box: one GPU behind one link. */
const ONE_GPU = { oneServer: true, sharedLink: true };
/** FC behind a cellular uplink (the simulator's topology): instances side by side, one link. */
const SIDE_BY_SIDE = { oneServer: false, sharedLink: true };

describe('LaneClock', () => {
  it('is idle with nothing in flight', () => {
    const clock = new LaneClock(ONE_GPU);
    expect(clock.waitMs(0, 100)).toBe(0);
    expect(clock.firstAnswerInMs(0)).toBe(0);
  });

  it('queues transfers on the link: a batch sent behind two waits for both', () => {
    const clock = new LaneClock(SIDE_BY_SIDE);
    clock.dispatched(0, BITS, MBPS, 300);
    clock.dispatched(0, BITS, MBPS, 300);
    expect(clock.waitMs(0, 500)).toBe(1000);
    expect(clock.waitMs(400, 500)).toBe(600);
    // Side by side (FC instances): the first is answered at 500 + 300, the second at 1000 + 300.
    expect(clock.firstAnswerInMs(0)).toBe(800);
  });

  it('on one server, a batch waits for the one in service, less its own transfer', () => {
    const clock = new LaneClock(ONE_GPU);
    clock.dispatched(0, BITS, MBPS, 1000); // across at 500, answered at 1500
    clock.dispatched(0, BITS, MBPS, 1000); // across at 1000, served 1500..2500
    expect(clock.firstAnswerInMs(0)).toBe(1500);
    // A third batch with a 500 ms transfer: its link is free at 1000, the server at 2500.
    expect(clock.waitMs(0, 500)).toBe(2000);
  });

  it('re-anchors on an answer: a late answer pushes the rest later, an idle lane is free at once', () => {
    const clock = new LaneClock(ONE_GPU);
    const first = clock.dispatched(0, BITS, MBPS, 200); // expected answer 700
    clock.dispatched(0, BITS, MBPS, 200); // expected 1000 + 200
    // The first came back at 2,000: its transfer ended about 1,800 and the second's starts from there.
    clock.answered(first, 2000, MBPS);
    expect(clock.firstAnswerInMs(2000)).toBe(500); // 1800 + 500 + 200 = 2500
    expect(clock.batchesInFlight).toBe(1);
    const clock2 = new LaneClock(SIDE_BY_SIDE);
    const only = clock2.dispatched(0, BITS * 10, MBPS, 200);
    clock2.answered(only, 100, MBPS);
    expect(clock2.waitMs(100, 500)).toBe(0);
    expect(clock2.firstAnswerInMs(100)).toBe(0);
  });

  it('moves everything back by what the earliest batch is overdue: a stuck lane never looks free', () => {
    const clock = new LaneClock(ONE_GPU);
    clock.dispatched(0, BITS, MBPS, 200); // across at 500, expected answer 700
    clock.dispatched(0, BITS, MBPS, 200); // across at 1000, expected answer 1200
    // At 600 nothing is overdue: the expected times stand.
    expect(clock.firstAnswerInMs(600)).toBe(100);
    expect(clock.waitMs(600, 500)).toBe(400 + 0); // the link frees at 1000
    // At 1,000 the first is 300 ms late (the link fell): it and the one behind it are 300 ms later than expected.
    expect(clock.firstAnswerInMs(1000)).toBe(0);
    expect(clock.lastAnswerInMs(1000)).toBe(500); // 1200 + 300
    expect(clock.linkFreeInMs(1000)).toBe(300); // 1000 + 300
    // A third batch waits for the link until 1,300; across at 1,800, it finds the GPU free (from 1,500).
    expect(clock.waitMs(1000, 500)).toBe(300);
    // Without the shift, every expected time but the last would be past, and the lane would look nearly free.
  });

  it('without a shared link (FC called from the same region), batches do not wait for each other', () => {
    const clock = new LaneClock({ oneServer: false, sharedLink: false });
    clock.dispatched(0, BITS, MBPS, 300);
    clock.dispatched(100, BITS, MBPS, 300);
    expect(clock.waitMs(100, 500)).toBe(0);
    expect(clock.firstAnswerInMs(100)).toBe(700); // 0 + 500 + 300
  });

  it('starts no transfer before its batch was sent, also when re-timing after an answer', () => {
    const clock = new LaneClock(ONE_GPU);
    const first = clock.dispatched(0, BITS, MBPS, 100); // answered at 600
    clock.answered(first, 600, MBPS);
    clock.dispatched(2000, BITS, MBPS, 100);
    expect(clock.firstAnswerInMs(2000)).toBe(600);
  });

  it('ignores an answer for a batch it does not hold', () => {
    const clock = new LaneClock(SIDE_BY_SIDE);
    const batch = clock.dispatched(0, BITS, MBPS, 0);
    clock.answered(batch, 600, MBPS);
    clock.answered(batch, 700, MBPS);
    expect(clock.batchesInFlight).toBe(0);
  });
});
