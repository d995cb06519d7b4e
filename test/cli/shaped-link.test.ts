import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ShapedLink } from '../../cli/stack/shaping-proxy.js';
import { bandwidthTrace } from '../../shared/core/traces/index.js';

/** The two ends a link moves bytes between, as far as it uses them. */
function ends() {
  const written: Buffer[] = [];
  const from = { pause() {}, resume() {}, isPaused: () => false, once() {} } as unknown as Socket;
  const to = { destroyed: false, write: (chunk: Buffer) => written.push(Buffer.from(chunk)) } as unknown as Socket;
  return { from, to, delivered: () => written.reduce((sum, chunk) => sum + chunk.length, 0) };
}

describe('the shaped link', () => {
  it('plays its trace again from time 0 after a restart (npm start restarts it when the replay begins)', async () => {
    // Nothing passes for the first 500 ms, then 80 Mbit/s.
    const link = new ShapedLink(bandwidthTrace([0, 500], [0, 80], 60_000));
    try {
      await sleep(700);
      link.restart();
      const { from, to, delivered } = ends();
      link.send(from, to, Buffer.alloc(1000));
      await sleep(200);
      expect(delivered()).toBe(0);
      await sleep(800);
      expect(delivered()).toBe(1000);
    } finally {
      link.close();
    }
  });
});
