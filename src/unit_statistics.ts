/**
 * Per-unit summaries of a batch: mean, standard deviation, the fraction of dead units,
 * and the distance of the covariance from the identity (MATH.md §4, last paragraph).
 *
 * @module
 */

import { align, type KernelInstance } from "./kernels/kernels.ts";
import { MemoryPlan } from "./kernels/memory_plan.ts";
import { gatherRows, type SampleShape } from "./layout.ts";

/** The summaries of one batch. */
export interface UnitStatistics {
  /** Mean of each unit. */
  mean: Float64Array;
  /** Standard deviation of each unit, n in the denominator. */
  std: Float64Array;
  /** Fraction of units that are exactly 0 (or −0) on every sample. */
  deadFraction: number;
  /** ‖C − I‖_F / d, C = 1/n Σ_i (h_i − μ)(h_i − μ)ᵀ. */
  covDistance: number;
}

/** Rows per chunk of the covariance product. */
const CHUNK_ROWS = 4096;

/** Columns of C held at once (a d × 1024 float64 slice: 32 MiB at d = 4096). */
const COLUMN_BLOCK = 1024;

/** Largest n for which the n × n Gram matrix (float64) is formed when n < d: 128 MiB. */
const GRAM_MAX = 4096;

/**
 * Mean, standard deviation, dead fraction and covariance distance, in float64 (the
 * covariance through the float32 kernels with float64 sums when `kernels` is given,
 * in plain float64 otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unitStatistics } from "./unit_statistics.ts";
 * import { sampleShape } from "./layout.ts";
 * const stats = unitStatistics(new Float32Array(6), sampleShape([2, 3], 6));
 * assert.ok(stats.deadFraction === 1 && Math.abs(stats.covDistance - 1 / Math.sqrt(3)) < 1e-15);
 * ```
 */
export function unitStatistics(
  h: Float32Array | Float64Array,
  view: SampleShape,
  kernels?: KernelInstance,
): UnitStatistics {
  const n = view.samples, d = view.dim;
  const mean = new Float64Array(d);
  const live = new Uint8Array(d);
  const rows = new Float64Array(Math.min(n, CHUNK_ROWS) * d);
  // Two passes (mean, then centered squares) keep the variance free of cancellation.
  forEachChunk(h, view, rows, (count) => {
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < d; j++) {
        const v = Math.fround(rows[i * d + j]);
        mean[j] += v;
        if (v !== 0) live[j] = 1;
      }
    }
  });
  for (let j = 0; j < d; j++) mean[j] /= n;
  const variance = new Float64Array(d);
  forEachChunk(h, view, rows, (count) => {
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < d; j++) variance[j] += (Math.fround(rows[i * d + j]) - mean[j]) ** 2;
    }
  });
  const std = variance.map((v) => Math.sqrt(v / n));
  const dead = live.reduce((sum, v) => sum + (v ? 0 : 1), 0);
  let distance = kernels
    ? covarianceDistanceWasm(h, view, mean, variance, kernels)
    : covarianceDistanceReference(h, view, mean);
  // Centered values beyond 1.8e19 overflow the float32 products: redo it in float64.
  if (!Number.isFinite(distance)) distance = covarianceDistanceReference(h, view, mean);
  return { mean, std, deadFraction: dead / d, covDistance: distance / d };
}

/** Calls `use(count)` with consecutive chunks of samples gathered into `rows` (n × d). */
function forEachChunk(
  h: Float32Array | Float64Array,
  view: SampleShape,
  rows: Float64Array,
  use: (count: number) => void,
): void {
  const chunk = rows.length / view.dim;
  for (let first = 0; first < view.samples; first += chunk) {
    const last = Math.min(view.samples, first + chunk);
    gatherRows(h, view, first, last, rows, 0, view.dim);
    use(last - first);
  }
}

/**
 * ‖C − I‖_F in plain float64, C formed whole (d × d): the reference for the kernels'
 * blocked computation, slow and memory-bound for large d by design.
 */
function covarianceDistanceReference(
  h: Float32Array | Float64Array,
  view: SampleShape,
  mean: Float64Array,
): number {
  const d = view.dim;
  const c = new Float64Array(d * d);
  const rows = new Float64Array(Math.min(view.samples, CHUNK_ROWS) * d);
  const centered = new Float64Array(d);
  forEachChunk(h, view, rows, (count) => {
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < d; j++) centered[j] = Math.fround(rows[i * d + j]) - mean[j];
      for (let a = 0; a < d; a++) {
        const x = centered[a];
        for (let b = 0; b < d; b++) c[a * d + b] += x * centered[b];
      }
    }
  });
  let squares = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) squares += (c[a * d + b] / view.samples - (a === b ? 1 : 0)) ** 2;
  }
  return Math.sqrt(squares);
}

/**
 * ‖C − I‖_F through gemm_f32_f64 on centered float32 rows, never holding more than a
 * d × COLUMN_BLOCK slice of C: for each block of columns J, P = Hcᵀ·Hc[:, J] accumulates
 * over chunks of rows (A is the chunk transposed, B its columns J packed), and the
 * squares of P/n − I are summed directly, so no cancellation enters. When there are fewer
 * samples than units, the n × n Gram matrix Hc·Hcᵀ gives ‖C‖_F with far less work, and
 * ‖C − I‖² = ‖C‖² − 2·tr C + d (C has rank below d there, so ‖C − I‖² ≥ d − n: no
 * cancellation either).
 */
function covarianceDistanceWasm(
  h: Float32Array | Float64Array,
  view: SampleShape,
  mean: Float64Array,
  variance: Float64Array,
  k: KernelInstance,
): number {
  const n = view.samples, d = view.dim, dPad = align(d, 4);
  if (n < d && n <= GRAM_MAX) return gramDistance(h, view, mean, variance, k);
  const chunk = Math.min(n, CHUNK_ROWS);
  const block = Math.min(d, COLUMN_BLOCK), blockPad = align(block, 4);
  const plan = new MemoryPlan(k.heapBase);
  const rowsAt = plan.take(4 * chunk * dPad);
  const transposedAt = plan.take(4 * d * chunk);
  const packedAt = plan.take(4 * chunk * blockPad);
  const cAt = plan.take(8 * d * blockPad);
  k.ensure(plan.end);
  k.owner = covarianceDistanceWasm;
  const centered = new Float32Array(chunk * dPad);
  const transposed = new Float32Array(d * chunk);
  let squares = 0;
  for (let j0 = 0; j0 < d; j0 += block) {
    const width = Math.min(block, d - j0), widthPad = align(width, 4);
    for (let first = 0; first < n; first += chunk) {
      const count = Math.min(chunk, n - first);
      gatherRows(h, view, first, first + count, centered, 0, dPad);
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < d; j++) {
          const v = centered[i * dPad + j] - mean[j];
          centered[i * dPad + j] = v;
          transposed[j * count + i] = v;
        }
      }
      const f32 = k.f32;
      f32.set(centered.subarray(0, count * dPad), rowsAt / 4);
      f32.set(transposed.subarray(0, d * count), transposedAt / 4);
      k.exports.pack_panels_f32(rowsAt + 4 * j0, dPad, count, widthPad, width, 0, packedAt);
      k.exports.gemm_f32_f64_simd(
        transposedAt,
        count,
        packedAt,
        cAt,
        widthPad,
        d,
        widthPad,
        count,
        first > 0 ? 1 : 0,
      );
    }
    const f64 = k.f64;
    for (let a = 0; a < d; a++) {
      for (let c = 0; c < width; c++) {
        const value = f64[cAt / 8 + a * widthPad + c] / n;
        squares += (value - (a === j0 + c ? 1 : 0)) ** 2;
      }
    }
  }
  return Math.sqrt(squares);
}

/** ‖C − I‖_F from the Gram matrix Hc·Hcᵀ (n × n), for n < d. */
function gramDistance(
  h: Float32Array | Float64Array,
  view: SampleShape,
  mean: Float64Array,
  variance: Float64Array,
  k: KernelInstance,
): number {
  const n = view.samples, d = view.dim, dPad = align(d, 4), nPad = align(n, 4);
  const plan = new MemoryPlan(k.heapBase);
  const rowsAt = plan.take(4 * n * dPad);
  const packedAt = plan.take(4 * d * nPad);
  const gramAt = plan.take(8 * n * nPad);
  k.ensure(plan.end);
  k.owner = covarianceDistanceWasm;
  const f32 = k.f32;
  gatherRows(h, view, 0, n, f32, rowsAt / 4, dPad);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) f32[rowsAt / 4 + i * dPad + j] -= mean[j];
  }
  k.exports.pack_panels_f32(rowsAt, dPad, d, nPad, n, 1, packedAt);
  k.exports.gemm_f32_f64_simd(rowsAt, dPad, packedAt, gramAt, nPad, n, nPad, d, 0);
  const f64 = k.f64;
  let squares = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) squares += (f64[gramAt / 8 + a * nPad + b] / n) ** 2;
  }
  const trace = variance.reduce((sum, v) => sum + v / n, 0);
  return Math.sqrt(Math.max(0, squares - 2 * trace + d));
}
