/**
 * Philox4x32-10, the counter-based random number generator of Salmon, Moraes, Dror and
 * Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC 2011). A pure function of a
 * 64-bit key and a 128-bit counter, so any element of a stream is computed directly:
 * every backend, thread and run that asks for the same (key, counter) gets the same bits.
 *
 * @module
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers. */
function mulHigh(a: number, b: number, low: number): number {
  // a·b in float64 is within 2^11 of the exact product; minus the exact low word it is
  // within 2^12 of hi·2^32, so dividing by 2^32 and rounding recovers hi exactly.
  return Math.round((a * b - low) / 4294967296) >>> 0;
}

/**
 * Ten Philox rounds of the counter (c0, c1, c2, c3) under key (k0, k1); writes the four
 * 32-bit outputs into `out`.
 *
 * @param out receives the four unsigned 32-bit words
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { philox4x32 } from "./philox.ts";
 * const out = new Uint32Array(4);
 * philox4x32(0, 0, 0, 0, 0, 0, out);
 * assert.ok(out[0] === 0x6627e8d5);
 * ```
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  c0 >>>= 0, c1 >>>= 0, c2 >>>= 0, c3 >>>= 0, k0 >>>= 0, k1 >>>= 0;
  for (let round = 0; round < 10; round++) {
    const low0 = Math.imul(M0, c0) >>> 0, high0 = mulHigh(M0, c0, low0);
    const low1 = Math.imul(M1, c2) >>> 0, high1 = mulHigh(M1, c2, low1);
    c0 = (high1 ^ c1 ^ k0) >>> 0;
    c1 = low1;
    c2 = (high0 ^ c3 ^ k1) >>> 0;
    c3 = low0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}
