/**
 * The normal quantiles that every direction of a sliced Wasserstein distance shares:
 * q_i = Φ⁻¹(i/n) for i = 0 … n (q_0 = −∞, q_n = +∞) and φ(q_i), in float64.
 *
 * @module
 */

import { normalPdf, normalQuantile } from "./math/normal.ts";

/** q_i and φ(q_i) for i = 0 … n. */
export interface QuantileTable {
  /** Number of samples n. */
  readonly n: number;
  /** n + 1 quantiles, −Infinity first and Infinity last. */
  readonly q: Float64Array;
  /** φ(q_i), 0 at both ends. */
  readonly phi: Float64Array;
}

let cached: QuantileTable | undefined;

/**
 * The quantile table for n samples (the last one is kept, since scoring calls repeat n).
 * Φ⁻¹ is Wichura's AS 241 (src/math/normal.ts); q_{n−i} = −q_i is used so both halves
 * are computed from the lower tail, where i/n is exact.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantileTable } from "./quantiles.ts";
 * const t = quantileTable(2);
 * assert.ok(t.q[1] === 0 && t.phi[0] === 0);
 * ```
 */
export function quantileTable(n: number): QuantileTable {
  if (cached?.n === n) return cached;
  const q = new Float64Array(n + 1);
  const phi = new Float64Array(n + 1);
  q[0] = -Infinity;
  q[n] = Infinity;
  for (let i = 1; 2 * i <= n; i++) {
    const value = normalQuantile(i / n);
    q[i] = value;
    q[n - i] = -value;
    phi[i] = phi[n - i] = normalPdf(value);
  }
  if (n % 2 === 0) q[n / 2] = 0, phi[n / 2] = normalPdf(0);
  cached = { n, q, phi };
  return cached;
}
