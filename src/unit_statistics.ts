/**
 * Per-unit summaries of a batch: mean, standard deviation, the fraction of dead units,
 * and the distance of the covariance from the identity (MATH.md §4, last paragraph).
 *
 * @module
 */

import { align, type KernelInstance } from "./kernels/kernels.ts";
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
  const covariance = kernels
    ? covarianceWasm(h, view, mean, kernels)
    : covarianceReference(h, view, mean);
  let squares = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) squares += (covariance[a * d + b] - (a === b ? 1 : 0)) ** 2;
  }
  return { mean, std, deadFraction: dead / d, covDistance: Math.sqrt(squares) / d };
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

function covarianceReference(
  h: Float32Array | Float64Array,
  view: SampleShape,
  mean: Float64Array,
): Float64Array {
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
  return c.map((v) => v / view.samples);
}

/**
 * C = 1/n·Hcᵀ·Hc through gemm_f32_f64: each chunk of centered rows (float32) is packed as
 * B, its transpose is A, and the product accumulates into float64 C.
 */
function covarianceWasm(
  h: Float32Array | Float64Array,
  view: SampleShape,
  mean: Float64Array,
  k: KernelInstance,
): Float64Array {
  const n = view.samples, d = view.dim, dPad = align(d, 4);
  const chunk = Math.min(n, CHUNK_ROWS);
  const rowsAt = k.heapBase;
  const transposedAt = align(rowsAt + 4 * chunk * dPad, 64);
  const packedAt = align(transposedAt + 4 * d * chunk, 64);
  const cAt = align(packedAt + 4 * chunk * dPad, 64);
  k.ensure(cAt + 8 * d * dPad);
  k.owner = covarianceWasm;
  const centered = new Float32Array(chunk * dPad);
  const transposed = new Float32Array(d * chunk);
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
    k.exports.pack_panels_f32(rowsAt, dPad, count, dPad, d, 0, packedAt);
    k.exports.gemm_f32_f64_simd(
      transposedAt,
      count,
      packedAt,
      cAt,
      dPad,
      d,
      dPad,
      count,
      first > 0 ? 1 : 0,
    );
  }
  const c = new Float64Array(d * d);
  const f64 = k.f64;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) c[a * d + b] = f64[cAt / 8 + a * dPad + b] / n;
  }
  return c;
}
