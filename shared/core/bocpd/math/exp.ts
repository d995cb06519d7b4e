/**
 * e^x to within a few ulps, without a library call.
 *
 * The recursion takes one exponential per run-length hypothesis per observation, and Math.exp is a call
 * into the runtime that the JIT cannot inline, so it costs more than the rest of a hypothesis's update.
 * This is the table-driven method of Tang ("Table-driven implementation of the exponential function in
 * IEEE floating-point arithmetic", ACM TOMS 15(2), 1989), in plain arithmetic the JIT inlines:
 *
 *   x = (64 k + j) ln2 / 64 + r,  |r| <= ln2 / 128,  so  e^x = 2^k * 2^(j/64) * e^r,
 *
 * with n = 64 k + j = round(64 x / ln2), ln2 / 64 split in a high part with trailing zero bits (so n times it
 * is exact) and a low part (Cody and Waite's reduction), 2^(j/64) and 2^k from tables, and e^r from its
 * Taylor polynomial of degree 6, whose first omitted term is below r^7 / 7! < 3e-20. Beyond |x| > 700, where
 * 2^k would leave the normal range, the rare call goes to Math.exp.
 */

/** ln 2 / 64 in two parts (fdlibm's ln2_hi and ln2_lo over 64): the high part has 32 significant bits. */
const LN2_64_HI = 6.93147180369123816490e-1 / 64;
const LN2_64_LO = 1.90821492927058770002e-10 / 64;
const INV_LN2_64 = 64 / Math.LN2;
/** Beyond this |x| the scale 2^k would not be a normal number. */
const RANGE = 700;
/** 2^k for k in [-1023, 1023], at index k + 1023 (2^-1023 is subnormal but exact). */
const POW2_OFFSET = 1023;
const POWERS_OF_TWO = Float64Array.from({ length: 2 * POW2_OFFSET + 1 }, (_, i) => 2 ** (i - POW2_OFFSET));
/** 2^(j/64), j = 0..63. */
const FRACTIONAL_POWERS = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));

export function fastExp(x: number): number {
  if (!(x > -RANGE && x < RANGE)) return Math.exp(x); // also NaN
  // Math.floor, not Math.round: the JIT turns floor into one instruction but calls out for round.
  const nearest = Math.floor(x * INV_LN2_64 + 0.5);
  const r = x - nearest * LN2_64_HI - nearest * LN2_64_LO;
  const n = nearest | 0;
  const p = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r / 720)))));
  return POWERS_OF_TWO[(n >> 6) + POW2_OFFSET]! * (FRACTIONAL_POWERS[n & 63]! * p);
}
