import { afterEach, describe, expect, it } from 'vitest';
import { LoopStalls } from '../../edge-agent/loop-stalls.js';

/** Holds the event loop for `ms`, as a synchronous model run does. */
function hold(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else runs on this loop meanwhile
  }
}
const turn = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the event loop stall watch', () => {
  let stalls: LoopStalls | undefined;
  afterEach(() => stalls?.stop());

  it('calls a sample unsound across a stall or just after one, and sound once the loop has run freely', async () => {
    stalls = new LoopStalls(() => performance.now());
    await turn(20);
    const beforeStall = performance.now();
    expect(stalls.stalledSince(beforeStall)).toBe(false);
    hold(60);
    // A read timed from before the stall, or starting right after it (draining what piled up), is unsound.
    expect(stalls.stalledSince(beforeStall)).toBe(true);
    expect(stalls.stalledSince(performance.now())).toBe(true);
    // Once the loop runs freely again, a read starting then is sound (on a crowded machine a late timer is a stall
    // too, as bytes pile up the same way, so this waits for a free stretch rather than assuming the next one is).
    let sound = false;
    for (let i = 0; i < 50 && !sound; i++) {
      await turn(60);
      sound = !stalls.stalledSince(performance.now());
    }
    expect(sound).toBe(true);
  });
});
