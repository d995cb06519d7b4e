/**
 * A small seeded pseudo-random generator for the pure core, the simulator and tests: the same seed gives the
 * same sequence on every machine. Generator: xoshiro128** (Blackman and Vigna 2018), seeded through
 * SplitMix32 so that nearby seeds give unrelated streams. Not for cryptography.
 */
import { EngineError, expected } from './errors.js';
import { logGamma } from './bocpd/math/log-gamma.js';

export interface Random {
  /** A uniform number in [0, 1) with 53 random bits. */
  next(): number;
  /** A uniform integer in [0, n), n a positive integer. */
  int(n: number): number;
  /** An exponential draw with the given rate (mean 1/rate), rate > 0. */
  exponential(rate: number): number;
  /** A normal draw (Box-Muller), sd >= 0. */
  normal(mean: number, sd: number): number;
  /** A Poisson draw, mean >= 0: inversion below mean 10, Hormann's PTRS above (constant expected time). */
  poisson(mean: number): number;
}

/** Creates a generator from a seed (any finite number; its 32-bit integer part and fraction both count). */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new EngineError('invalid_input', expected('a finite number as the random seed', seed));
  return new Xoshiro128(seed);
}

/** SplitMix32 step: a well-mixed 32-bit value from a 32-bit counter. */
function splitMix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

class Xoshiro128 implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // Mix the integer part and the fraction, so that seeds 1 and 1.5 differ.
    let counter = (Math.trunc(seed) ^ Math.trunc((seed - Math.trunc(seed)) * 0x100000000)) | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      counter = (counter + 0x9e3779b9) | 0;
      words.push(splitMix32(counter));
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** One 32-bit output of xoshiro128**. */
  private nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  next(): number {
    // 27 + 26 bits: every multiple of 2^-53 in [0, 1) is equally likely.
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new EngineError('internal', expected('a positive integer bound', n));
    return Math.floor(this.next() * n);
  }

  exponential(rate: number): number {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new EngineError('internal', expected('a positive finite rate', rate));
    return -Math.log1p(-this.next()) / rate;
  }

  normal(mean: number, sd: number): number {
    if (!Number.isFinite(mean)) throw new EngineError('internal', expected('a finite mean', mean));
    if (!(sd >= 0) || !Number.isFinite(sd)) throw new EngineError('internal', expected('a finite sd >= 0', sd));
    const u1 = 1 - this.next(); // (0, 1]: the logarithm stays finite
    const u2 = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  poisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new EngineError('internal', expected('a finite Poisson mean >= 0', mean));
    if (mean === 0) return 0;
    return mean < 10 ? this.poissonInversion(mean) : this.poissonPtrs(mean);
  }

  /** Sequential search of the cumulative distribution: about mean + 1 steps. */
  private poissonInversion(mean: number): number {
    let k = 0;
    let probability = Math.exp(-mean);
    let cumulative = probability;
    const u = this.next();
    while (u > cumulative && probability > 0) {
      k += 1;
      probability *= mean / k;
      cumulative += probability;
    }
    return k;
  }

  /**
   * Transformed rejection with squeeze (PTRS): W. Hormann, "The transformed rejection method for generating
   * Poisson random variables", Insurance: Mathematics and Economics 12 (1993) 39-45. Valid for mean >= 10.
   */
  private poissonPtrs(mean: number): number {
    const logMean = Math.log(mean);
    const b = 0.931 + 2.53 * Math.sqrt(mean);
    const a = -0.059 + 0.02483 * b;
    const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const logAccept = Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b);
      if (logAccept <= -mean + k * logMean - logGamma(k + 1)) return k;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
