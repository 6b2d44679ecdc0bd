/**
 * Sliced Wasserstein distances and per-direction PER on the WebAssembly kernels: project
 * the batch onto groups of directions, then for each direction sort its projections and
 * apply the closed forms of MATH.md §4 (assembly/wasserstein_f64.ts).
 *
 * Memory, from the heap base: H (n × dPad) | Θ group packed (d × gPad) | staging (s × dPad)
 * | X (n × gPad) | one direction (n) | sort scratch (n) | quantiles q_0…q_n and φ(q_i)
 * (float64) | results | sort counters. Groups of directions keep X within GROUP_BYTES.
 *
 * @module
 */

import { align, type KernelInstance } from "../kernels/kernels.ts";
import { MemoryPlan, stagePaddedRows } from "../kernels/memory_plan.ts";
import { gatherRows, type SampleShape, sourceIndex } from "../layout.ts";
import { nonFiniteError } from "../finite.ts";
import type { QuantileTable } from "../quantiles.ts";

/** Bytes of counters sort_f32 needs (three radix passes of 2048 u32). */
const SORT_COUNTS_BYTES = 3 * 2048 * 4;

/** Bytes of projections computed at once. */
const GROUP_BYTES = 32 << 20;

/** Per-direction PER, W1 and W2² of one batch. */
export interface SlicedTerms {
  /** Σ_i f(θ_k·h_i) / n for each direction k. */
  per: Float64Array;
  /** W1 of each direction's projections against N(0, 1). */
  w1: Float64Array;
  /** W2² of each direction's projections against N(0, 1). */
  w2Squared: Float64Array;
}

/**
 * Projects `data` onto each direction of `theta` and returns the per-direction terms.
 *
 * @param kernels the kernel instance to run on
 * @param data the caller's activations
 * @param view how they map to n samples of d units
 * @param theta s×d unit directions
 * @param quantiles q_i = Φ⁻¹(i/n) and φ(q_i) for i = 0 … n
 * @param kind SIMD kernels or their scalar twins
 * @throws {RangeError} for a NaN or infinite activation, naming its index and value
 */
export function slicedTermsWasm(
  kernels: KernelInstance,
  data: Float32Array | Float64Array,
  view: SampleShape,
  theta: Float32Array,
  quantiles: QuantileTable,
  kind: "simd" | "scalar" = "simd",
): SlicedTerms {
  const k = kernels;
  const n = view.samples, d = view.dim, s = theta.length / d;
  const dPad = align(d, 4), nPad = align(n, 4);
  const groupMax = Math.max(4, Math.min(align(s, 4), Math.floor(GROUP_BYTES / (4 * n) / 4) * 4));

  const plan = new MemoryPlan(k.heapBase);
  const take = (bytes: number) => plan.take(bytes);
  const h = take(4 * n * dPad);
  const packed = take(4 * d * groupMax);
  const staging = take(4 * s * dPad);
  const x = take(4 * n * groupMax);
  const column = take(4 * nPad);
  const scratch = take(4 * nPad);
  const q = take(8 * (n + 1));
  const phi = take(8 * (n + 1));
  const out = take(16);
  const counts = take(SORT_COUNTS_BYTES);
  k.ensure(plan.end);
  k.owner = slicedTermsWasm;

  const f32 = k.f32;
  gatherRows(data, view, 0, n, f32, h / 4, dPad);
  const scan = kind === "simd"
    ? k.exports.first_non_finite_f32_simd
    : k.exports.first_non_finite_f32_scalar;
  const bad = scan(h, n * dPad);
  if (bad >= 0) {
    const index = sourceIndex(view, Math.floor(bad / dPad), bad % dPad);
    throw nonFiniteError(index, data[index]);
  }
  stagePaddedRows(theta, d, dPad, f32, staging / 4);
  k.f64.set(quantiles.q, q / 8);
  k.f64.set(quantiles.phi, phi / 8);

  const gemm = kind === "simd" ? k.exports.gemm_f32_simd : k.exports.gemm_f32_scalar;
  const fSum = kind === "simd" ? k.exports.f_sum_f32_simd : k.exports.f_sum_f32_scalar;
  const terms: SlicedTerms = {
    per: new Float64Array(s),
    w1: new Float64Array(s),
    w2Squared: new Float64Array(s),
  };
  for (let first = 0; first < s; first += groupMax) {
    const g = Math.min(groupMax, s - first), gPad = align(g, 4);
    // Θ rows first … first+g−1, transposed and packed: X = H·Θ_groupᵀ is n × gPad.
    k.exports.pack_panels_f32(staging + 4 * first * dPad, dPad, d, gPad, g, 1, packed);
    gemm(h, dPad, packed, x, gPad, n, gPad, d, 0);
    for (let j = 0; j < g; j++) {
      k.exports.column_f32(x, gPad, n, j, column);
      terms.per[first + j] = fSum(column, n) / n;
      k.exports.sort_f32(column, n, scratch, counts);
      k.exports.wasserstein_sorted_f64(column, n, q, phi, out);
      const f64 = k.f64;
      terms.w1[first + j] = f64[out / 8];
      terms.w2Squared[first + j] = f64[out / 8 + 1];
    }
  }
  return terms;
}
