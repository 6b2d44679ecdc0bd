/**
 * WGSL source of the exact-mode kernel (MATH.md §3): per sample, r = ‖h‖, then the
 * piecewise-polynomial table of src/math/exact.ts gives g_d(r) and g_d′(r)/r, and the
 * gradient row is c′·(g_d′(r)/r)·h.
 *
 * WGSL has no float64, so the WebAssembly kernel's float64 r² becomes a scaled float32
 * sum: with m = max|h_j| = μ·2^e (1 ≤ μ < 2), v_j = h_j·2^−e is exact and
 * ‖h‖² = 4^e·Σ v_j², Σ v_j² ∈ [1, d]. Nothing overflows for any finite input:
 *
 *   e ≤ 40:  x = r²/2 is a float32; t = x/(x + d/2), the table as in exact.ts
 *   e > 40:  x ≥ 2^81, so t = 1 and √(1 + κx) = √(κ/2)·r to float32 precision
 *            (relative differences below 2^−60 for d < 2^20); g_d(r) is formed from
 *            √(Σ v_j²) and 2^e separately.
 *
 * Each sample's loss leaves the kernel as g_d(r)·2^−64 (g_d ≥ √(2/π), so it stays a normal
 * float32 however large r is) and the host adds them in float64. The table's coefficients
 * are rounded to float32 (relative change below 6e−8 for F near 1), and t, v and the
 * Horner sum carry float32 rounding: the tests hold the loss within 1e−5 relative of the
 * WebAssembly kernel, which evaluates the same table in float64.
 *
 * @module
 */

import { PARAMS_WGSL } from "./params_wgsl.ts";

/** Threads per sample: one workgroup reduces one row. */
export const EXACT_THREADS = 64;

/**
 * Exact-mode kernel, entry point `main`. Bindings: 0 Params, 1 H (rows × d), 2 the
 * table (float32: P·(D + 1) loss coefficients, then as many for the gradient), 3 each
 * row's loss·2^−64, 4 the gradient (rows × d).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXACT_WGSL } from "./exact_wgsl.ts";
 * assert.ok(EXACT_WGSL.includes("fn main"));
 * ```
 */
export const EXACT_WGSL = `${PARAMS_WGSL}
const SQRT_2_OVER_PI: f32 = 0.7978845834732056f;
const LOSS_SCALE_LOG2: i32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> h: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read_write> row_loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad: array<f32>;

var<workgroup> largest: array<f32, ${EXACT_THREADS}>;
var<workgroup> squares: array<f32, ${EXACT_THREADS}>;

// 2^k for −126 ≤ k ≤ 127, built from the exponent field.
fn pow2(k: i32) -> f32 {
  return bitcast<f32>(u32(k + 127) << 23u);
}

// One piece's polynomial at v, highest power first.
fn horner(offset: u32, v: f32) -> f32 {
  var p = table[offset + params.degree];
  for (var i = i32(params.degree) - 1; i >= 0; i--) {
    p = fma(p, v, table[offset + u32(i)]);
  }
  return p;
}

@compute @workgroup_size(${EXACT_THREADS})
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let row = linear_group(wid, grid);
  if (row >= params.rows) { return; }
  let d = params.dim;
  let base = row * d;

  // 1. m = max |h_j| (a tree in fixed order), and its exponent e.
  var m = 0.0;
  for (var j = t; j < d; j += ${EXACT_THREADS}u) { m = max(m, abs(h[base + j])); }
  largest[t] = m;
  workgroupBarrier();
  for (var stride = ${EXACT_THREADS / 2}u; stride > 0u; stride >>= 1u) {
    if (t < stride) { largest[t] = max(largest[t], largest[t + stride]); }
    workgroupBarrier();
  }
  let biased = i32((bitcast<u32>(largest[0]) >> 23u) & 0xffu);
  // A zero or subnormal maximum: scale by 1 (the squares vanish and r = 0).
  let e = select(biased - 127, 0, biased == 0);
  // 2^−e in two factors, each a normal float32 for every e in [−126, 127].
  let scale_a = pow2(-(e / 2));
  let scale_b = pow2(-(e - e / 2));

  // 2. Σ v_j² with v_j = h_j·2^−e, again a fixed-order tree.
  var sum = 0.0;
  for (var j = t; j < d; j += ${EXACT_THREADS}u) {
    let v = (h[base + j] * scale_a) * scale_b;
    sum = fma(v, v, sum);
  }
  squares[t] = sum;
  workgroupBarrier();
  for (var stride = ${EXACT_THREADS / 2}u; stride > 0u; stride >>= 1u) {
    if (t < stride) { squares[t] += squares[t + stride]; }
    workgroupBarrier();
  }
  let ss = squares[0];

  // 3. The table at t = x/(x + d/2), x = r²/2 (t = 1 for huge r).
  let huge = e > 40;
  let p = pow2(min(e, 40));  // clamped: select evaluates both sides
  let x = select(0.5 * ss * p * p, 0.0, huge);
  let tt = select(x / (x + params.half_dim), 1.0, huge);
  let pieces = params.pieces;
  let scaled = tt * f32(pieces);
  let j = min(pieces - 1u, u32(scaled));
  let v = 2.0 * (scaled - f32(j)) - 1.0;
  let stride = params.degree + 1u;
  let f_loss = horner(j * stride, v);
  let f_grad = horner((pieces + j) * stride, v);

  // 4. Loss·2^−64 and the factor that turns v_j into the gradient.
  var loss: f32;
  var factor: f32;
  let grad_base = params.grad_scale * SQRT_2_OVER_PI / f32(d);
  if (huge) {
    let root = sqrt(ss);
    loss = SQRT_2_OVER_PI * f_loss * sqrt(0.5 * params.kappa_loss) * root
      * pow2(e - LOSS_SCALE_LOG2);
    // h_j/r = v_j/√(Σ v²).
    factor = grad_base * f_grad / (sqrt(0.5 * params.kappa_grad) * root);
  } else {
    loss = SQRT_2_OVER_PI * f_loss * sqrt(fma(params.kappa_loss, x, 1.0))
      * pow2(-LOSS_SCALE_LOG2);
    factor = grad_base * f_grad / sqrt(fma(params.kappa_grad, x, 1.0)) * pow2(e);
  }
  if (t == 0u) { row_loss[row] = loss; }
  if (params.with_grad != 0u) {
    for (var q = t; q < d; q += ${EXACT_THREADS}u) {
      grad[base + q] = factor * ((h[base + q] * scale_a) * scale_b);
    }
  }
}
`;
