/**
 * A small seeded random stream for the training script: data splits, batch order and the
 * seeds of weight initializers. tfjs shuffles with Math.random, which cannot be seeded, so
 * every random choice of a run goes through this stream instead.
 *
 * @module
 */

/**
 * Uniform numbers from splitmix32 (a 32-bit variant of Steele, Lea and Flood's SplitMix):
 * a Weyl sequence passed through an integer hash. Quality is ample for shuffling; it is not
 * meant for statistics that need long periods (the period is 2^32).
 */
export class SeededRandom {
  #state: number;

  /**
   * @param seed any integer; values that agree modulo 2^32 give the same stream
   * @throws {RangeError} when seed is not a safe integer
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SeededRandom } from "./seeded_random.ts";
   * const a = new SeededRandom(7), b = new SeededRandom(7);
   * assert.ok(a.next() === b.next());
   * ```
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be a safe integer, got ${seed}`);
    }
    // Fold the high bits in so that seeds differing only above bit 32 still differ.
    this.#state = (seed ^ Math.floor(seed / 4294967296)) >>> 0;
  }

  /** The next 32-bit unsigned integer of the stream. */
  nextUint32(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * A uniform integer in [0, n), without modulo bias.
   *
   * @param n the number of outcomes, a positive integer up to 2^32
   * @throws {RangeError} when n is out of range
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new RangeError(`n must be an integer in [1, 2^32], got ${n}`);
    }
    // Reject draws from the incomplete last block of size n.
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /**
   * Shuffles in place with Fisher–Yates and returns the same array.
   *
   * @param items the array to permute
   * @returns items, permuted
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SeededRandom } from "./seeded_random.ts";
   * const order = new SeededRandom(1).shuffle([0, 1, 2, 3, 4]);
   * assert.ok([...order].sort().join() === "0,1,2,3,4");
   * ```
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}
