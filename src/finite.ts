/**
 * The error for activations the kernels cannot take: NaN, ±∞, or a float64 value outside
 * the float32 range (it would round to ±∞).
 *
 * @module
 */

/** Largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The RangeError for the value at flat index `index` of the caller's activations.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nonFiniteError } from "./finite.ts";
 * assert.ok(nonFiniteError(2, NaN).message === "activations[2] is NaN");
 * ```
 */
export function nonFiniteError(index: number, value: number): RangeError {
  if (Number.isFinite(value)) {
    return new RangeError(
      `activations[${index}] is ${value}, outside the float32 range (±${FLOAT32_MAX})`,
    );
  }
  return new RangeError(`activations[${index}] is ${value}`);
}

/**
 * Throws for the first value of `data` that is not finite in float32; the float64
 * reference path uses it (the WebAssembly path scans in the kernels).
 *
 * @example
 * ```ts
 * import { assertFloat32Finite } from "./finite.ts";
 * assertFloat32Finite(new Float64Array([1, 2]));
 * ```
 */
export function assertFloat32Finite(data: Float32Array | Float64Array): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(Math.abs(Math.fround(v)) < Infinity)) throw nonFiniteError(i, v);
  }
}
