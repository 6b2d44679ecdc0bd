/**
 * Laying out regions in the kernels' linear memory: a bump allocator from a start offset,
 * every region aligned to 64 bytes (a cache line) so vector loads never straddle one.
 *
 * @module
 */

import { align } from "./kernels.ts";

/**
 * Regions taken one after another from `start`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryPlan } from "./memory_plan.ts";
 * const plan = new MemoryPlan(64);
 * assert.equal(plan.take(10), 64);
 * assert.equal(plan.take(4), 128);
 * assert.equal(plan.end, 192);
 * ```
 */
export class MemoryPlan {
  #cursor: number;

  constructor(start: number) {
    this.#cursor = align(start, 64);
  }

  /** The byte offset of a new region of `bytes` bytes (at least 8, so none is empty). */
  take(bytes: number): number {
    const at = this.#cursor;
    this.#cursor = align(this.#cursor + Math.max(bytes, 8), 64);
    return at;
  }

  /** The first byte after every region taken so far. */
  get end(): number {
    return this.#cursor;
  }
}

/**
 * Copies s rows of d float32 values into `target` at float index `at`, `dPad` apart, with
 * the padding columns zeroed: the layout the packing kernel reads directions from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stagePaddedRows } from "./memory_plan.ts";
 * const target = new Float32Array(8).fill(9);
 * stagePaddedRows(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 4, target, 0);
 * assert.deepEqual([...target], [1, 2, 3, 0, 4, 5, 6, 0]);
 * ```
 */
export function stagePaddedRows(
  rows: Float32Array,
  d: number,
  dPad: number,
  target: Float32Array,
  at: number,
): void {
  const s = rows.length / d;
  for (let r = 0; r < s; r++) {
    const row = at + r * dPad;
    target.set(rows.subarray(r * d, r * d + d), row);
    target.fill(0, row + d, row + dPad);
  }
}
