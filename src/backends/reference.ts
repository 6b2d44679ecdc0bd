/**
 * The float64 reference: PER loss and gradient computed term by term in plain TypeScript.
 * It is the oracle of the tests and the `js` backend. Activations and directions are the
 * same float32 values the kernels see (the caller rounds them), so the reference differs
 * from the kernels only by the kernels' float32 arithmetic.
 *
 * @module
 */

import { perF, perFPrime } from "../math/erf.ts";
import { exactGradScaleDirect, exactLossDirect } from "../math/exact.ts";

/** Loss and (optionally) gradient rows of the reference. */
export interface ReferenceResult {
  /** The loss, already scaled by the reduction. */
  loss: number;
  /** n×d gradient rows, or undefined when not asked for. */
  grad: Float64Array | undefined;
}

/**
 * Monte Carlo PER over explicit directions (MATH.md §1 and §2), in float64.
 *
 * @param rows n×d activations, row-major
 * @param n samples
 * @param d units
 * @param theta s×d unit directions, row-major
 * @param scale c: 1/(n·s) for the mean reduction, 1/s for the sum
 * @param withGrad whether to compute the gradient
 * @returns the scaled loss and gradient rows
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { referenceMonteCarlo } from "./reference.ts";
 * const { loss } = referenceMonteCarlo(new Float64Array([0]), 1, 1, new Float32Array([1]), 1);
 * assert.ok(Math.abs(loss - Math.sqrt(2 / Math.PI)) < 1e-15);
 * ```
 */
export function referenceMonteCarlo(
  rows: Float64Array,
  n: number,
  d: number,
  theta: Float32Array,
  scale: number,
  withGrad = true,
): ReferenceResult {
  const s = theta.length / d;
  const grad = withGrad ? new Float64Array(n * d) : undefined;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const h = i * d;
    for (let k = 0; k < s; k++) {
      const t = k * d;
      let x = 0;
      for (let j = 0; j < d; j++) x += rows[h + j] * theta[t + j];
      loss += perF(x);
      if (grad) {
        const g = perFPrime(x) * scale;
        for (let j = 0; j < d; j++) grad[h + j] += g * theta[t + j];
      }
    }
  }
  return { loss: loss * scale, grad };
}

/**
 * Exact-mode PER (MATH.md §3) in float64, from the direct quadrature of Kummer's function
 * rather than the interpolant the kernels use.
 *
 * @param rows n×d activations, row-major
 * @param n samples
 * @param d units
 * @param scale c′: 1/n for the mean reduction, 1 for the sum
 * @param withGrad whether to compute the gradient
 * @returns the scaled loss and gradient rows
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { referenceExact } from "./reference.ts";
 * const { loss } = referenceExact(new Float64Array([0, 0]), 1, 2, 1);
 * assert.ok(Math.abs(loss - Math.sqrt(2 / Math.PI)) < 1e-12);
 * ```
 */
export function referenceExact(
  rows: Float64Array,
  n: number,
  d: number,
  scale: number,
  withGrad = true,
): ReferenceResult {
  const grad = withGrad ? new Float64Array(n * d) : undefined;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const h = i * d;
    let r2 = 0;
    for (let j = 0; j < d; j++) r2 += rows[h + j] * rows[h + j];
    const r = Math.sqrt(r2);
    loss += exactLossDirect(d, r);
    if (grad) {
      const k = exactGradScaleDirect(d, r) * scale;
      for (let j = 0; j < d; j++) grad[h + j] = k * rows[h + j];
    }
  }
  return { loss: loss * scale, grad };
}
