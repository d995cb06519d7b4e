import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../shared/core/random.js';
import { coldStartsPerSecond } from '../../../shared/core/stats/cold-start-rate.js';

/**
 * A direct simulation of what the formula models: Poisson calls, exponential service, each call on the lowest
 * idle instance (busiest-first reuse with one call per instance), instances reclaimed after `keepAliveS` idle.
 * Counts cold starts per second after a warm-up long enough for the pool to settle.
 */
function simulatedColdRate(callRate: number, meanServiceS: number, warm: number, keepAliveS: number, seconds: number, seed: number): number {
  const random = createRandom(seed);
  const exp = (mean: number) => -Math.log(1 - random.next()) * mean;
  // Per instance slot: busy until, idle since (NaN: not running).
  const busyUntil: number[] = [];
  const idleSince: number[] = [];
  for (let i = 0; i < warm; i += 1) {
    busyUntil.push(0);
    idleSince.push(0);
  }
  const warmUp = 10 * keepAliveS;
  let cold = 0;
  for (let t = exp(1 / callRate); t < warmUp + seconds; t += exp(1 / callRate)) {
    let chosen = -1;
    for (let i = 0; i < busyUntil.length; i += 1) {
      if (Number.isNaN(idleSince[i]!)) continue;
      // Idle since it finished; reclaimed (unless warm) once idle past the keep-alive.
      if (busyUntil[i]! <= t && i >= warm && t - busyUntil[i]! > keepAliveS) idleSince[i] = Number.NaN;
      else if (busyUntil[i]! <= t) {
        chosen = i;
        break;
      }
    }
    if (chosen < 0) {
      chosen = idleSince.findIndex((s) => Number.isNaN(s));
      if (chosen < 0) {
        chosen = busyUntil.length;
        busyUntil.push(0);
        idleSince.push(0);
      }
      if (t > warmUp) cold += 1;
    }
    busyUntil[chosen] = t + exp(meanServiceS);
    idleSince[chosen] = t;
  }
  return cold / seconds;
}

describe('coldStartsPerSecond', () => {
  it('a lone instance goes cold when the gap to the next call outlasts the keep-alive', () => {
    // Calls far shorter than the gaps between them: P(gap > keep-alive) = exp(-rate x keep-alive) of the calls.
    const rate = 0.01;
    expect(coldStartsPerSecond(rate, 0, 0, 300) / rate).toBeCloseTo(Math.exp(-3), 6);
    expect(coldStartsPerSecond(rate, 0, 1, 300)).toBe(0);
  });

  it('is about one cold start per keep-alive at any steady rate, and none at the levels kept warm', () => {
    const atLowRate = coldStartsPerSecond(5, 1.5, 0, 300) * 300;
    const atHighRate = coldStartsPerSecond(50, 15, 0, 300) * 300;
    for (const perKeepAlive of [atLowRate, atHighRate]) {
      expect(perKeepAlive).toBeGreaterThan(0.5);
      expect(perKeepAlive).toBeLessThan(3);
    }
    expect(coldStartsPerSecond(50, 15, 60, 300)).toBeLessThan(1e-12);
    expect(coldStartsPerSecond(50, 15, 20, 300)).toBeLessThan(coldStartsPerSecond(50, 15, 0, 300));
  });

  it('agrees with a direct simulation of the pool within 30%', () => {
    for (const [callRate, meanServiceS, warm, keepAliveS, seed] of [
      [20, 0.3, 0, 20, 1],
      [4, 0.5, 0, 10, 2],
      [20, 0.3, 7, 20, 3],
    ] as const) {
      const simulated = simulatedColdRate(callRate, meanServiceS, warm, keepAliveS, 40_000, seed);
      const modelled = coldStartsPerSecond(callRate, callRate * meanServiceS, warm, keepAliveS);
      expect(simulated).toBeGreaterThan(0);
      expect(modelled / simulated).toBeGreaterThan(0.7);
      expect(modelled / simulated).toBeLessThan(1.3);
    }
  });

  it('stays finite for large pools and is zero without calls', () => {
    expect(Number.isFinite(coldStartsPerSecond(3000, 900, 0, 300))).toBe(true);
    expect(coldStartsPerSecond(0, 0, 0, 300)).toBe(0);
  });

  it('gives, bit for bit, what a fresh walk over the levels gives, whatever calls came before', () => {
    // The walk as the formula reads: every level's up-crossings and their chance of finding the level cold.
    const fresh = (callRate: number, meanInFlight: number, warm: number, keepAliveS: number) => {
      let rate = 0;
      let logPmf = -meanInFlight;
      const logMean = Math.log(meanInFlight);
      for (let k = 1; k < 1_000_000; k += 1) {
        const upCrossings = callRate * Math.exp(logPmf);
        if (k > warm) rate += upCrossings * Math.exp(-upCrossings * keepAliveS);
        if (k > meanInFlight && upCrossings * keepAliveS < 1e-9) break;
        logPmf += logMean - Math.log(k);
      }
      return rate;
    };
    const random = createRandom(7);
    const asked: Array<[number, number, number, number]> = [];
    for (let i = 0; i < 40; i += 1) {
      const callRate = 0.5 + random.next() * 80;
      const meanInFlight = random.next() * 30;
      // The same call rate for several warm pools in a row, as the planner asks, then another.
      for (const warm of [0, 1, 3, Math.floor(meanInFlight), 40]) asked.push([callRate, meanInFlight, warm, i % 2 === 0 ? 300 : 20]);
    }
    asked.push([10, 0, 0, 300], [10, 0, 1, 300]);
    for (const [callRate, meanInFlight, warm, keepAliveS] of asked) {
      expect(coldStartsPerSecond(callRate, meanInFlight, warm, keepAliveS)).toBe(fresh(callRate, meanInFlight, warm, keepAliveS));
    }
  });
});
