/**
 * The error for activations the kernels cannot take: NaN, ±∞, or a float64 value outside
 * the float32 range (it would round to ±∞).
 *
 * @module
 */

import { sampleOf, type SampleShape } from "./layout.ts";

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

/**
 * Throws when a loss computed in float32 came out infinite or NaN from finite activations:
 * a sample's norm beyond the float32 range makes its projections θ·h overflow (|θ·h| ≤
 * ‖h‖). Names the first such sample; the float64 reference and the exact mode, which sum
 * norms in float64, have no such limit.
 *
 * @param value the computed loss or distance
 * @param what its name, for the message
 * @param data the caller's activations
 * @param view how they map to samples
 * @throws {RangeError} when value is not finite
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertFiniteResult } from "./finite.ts";
 * import { sampleShape } from "./layout.ts";
 * const h = new Float32Array([3e38, 3e38]);
 * assert.throws(() => assertFiniteResult(Infinity, "loss", h, sampleShape([1, 2], 2)), /sample 0/);
 * ```
 */
export function assertFiniteResult(
  value: number,
  what: string,
  data: Float32Array | Float64Array,
  view: SampleShape,
): void {
  if (Number.isFinite(value)) return;
  const norms = sampleNorms(data, view);
  const sample = norms.findIndex((norm) => norm > FLOAT32_MAX);
  const where = sample >= 0
    ? `sample ${sample} has norm ${norms[sample].toExponential(3)}, so its projections`
    : "the projections of the activations";
  throw new RangeError(
    `the ${what} overflows: ${where} exceed the float32 range (±${FLOAT32_MAX}) the ` +
      `kernels compute in; scale the activations down`,
  );
}

/** Norms of every sample, in float64. */
function sampleNorms(data: Float32Array | Float64Array, view: SampleShape): number[] {
  const norms = new Array<number>(view.samples).fill(0);
  for (let i = 0; i < data.length; i++) {
    const { sample } = sampleOf(view, i);
    norms[sample] += Math.fround(data[i]) ** 2;
  }
  return norms.map(Math.sqrt);
}
