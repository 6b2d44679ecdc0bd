/**
 * The float64 reference of the sliced terms: projections in float64, sorted with the
 * built-in sort, and the closed forms of MATH.md §4 with the float64 normal functions.
 * The `js` backend of score() and the oracle of its tests.
 *
 * @module
 */

import { perF } from "../math/erf.ts";
import { normalCdf, normalPdf } from "../math/normal.ts";
import type { QuantileTable } from "../quantiles.ts";
import type { SlicedTerms } from "./wasm_score.ts";

/**
 * W1 and W2² of sorted values against N(0, 1), by the closed forms of MATH.md §4.
 *
 * @param sorted ascending values
 * @param quantiles q_i and φ(q_i) for n = sorted.length
 * @returns [W1, W2²]
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wassersteinSorted } from "./reference_score.ts";
 * import { quantileTable } from "../quantiles.ts";
 * const [w1] = wassersteinSorted(new Float64Array([0]), quantileTable(1));
 * assert.ok(Math.abs(w1 - Math.sqrt(2 / Math.PI)) < 1e-15);
 * ```
 */
export function wassersteinSorted(
  sorted: Float64Array,
  quantiles: QuantileTable,
): [number, number] {
  const n = sorted.length;
  let w1 = 0, squares = 0, cross = 0;
  for (let i = 1; i <= n; i++) {
    const x = sorted[i - 1];
    const a = quantiles.q[i - 1], b = quantiles.q[i];
    const mass = quantiles.phi[i - 1] - quantiles.phi[i];
    if (x <= a) w1 += mass - x / n;
    else if (x >= b) w1 += x / n - mass;
    else {
      w1 += x * (2 * normalCdf(x) - (2 * i - 1) / n) + 2 * normalPdf(x) - quantiles.phi[i - 1] -
        quantiles.phi[i];
    }
    squares += x * x;
    cross += x * mass;
  }
  return [w1, Math.max(0, squares / n - 2 * cross + 1)];
}

/**
 * Per-direction PER, W1 and W2² of n×d rows (float32 values held in float64) against
 * N(0, 1), in float64.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slicedTermsReference } from "./reference_score.ts";
 * import { quantileTable } from "../quantiles.ts";
 * const t = slicedTermsReference(new Float64Array([0, 0]), 2, 1, new Float32Array([1]),
 *   quantileTable(2));
 * assert.ok(t.w1.length === 1);
 * ```
 */
export function slicedTermsReference(
  rows: Float64Array,
  n: number,
  d: number,
  theta: Float32Array,
  quantiles: QuantileTable,
): SlicedTerms {
  const s = theta.length / d;
  const terms: SlicedTerms = {
    per: new Float64Array(s),
    w1: new Float64Array(s),
    w2Squared: new Float64Array(s),
  };
  const x = new Float64Array(n);
  for (let k = 0; k < s; k++) {
    let per = 0;
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += rows[i * d + j] * theta[k * d + j];
      x[i] = t;
      per += perF(t);
    }
    x.sort();
    terms.per[k] = per / n;
    [terms.w1[k], terms.w2Squared[k]] = wassersteinSorted(x, quantiles);
  }
  return terms;
}
