/**
 * WGSL sources of the element-wise steps of a Monte Carlo PER call: the scan for
 * non-finite activations, and the loss partial sums with the gradient factors G.
 *
 * @module
 */

import { ERF_WGSL } from "./erf_wgsl.ts";
import { PARAMS_WGSL } from "./params_wgsl.ts";

/** Threads per workgroup of the element-wise kernels. */
export const LOSS_THREADS = 256;
/**
 * Elements of X each loss workgroup sums: 16 per thread, so that 8192 × 256 projections
 * leave 512 partial sums to read back.
 */
export const LOSS_ELEMENTS_PER_GROUP = 16 * LOSS_THREADS;

/**
 * The loss terms are summed as f·2⁻⁶⁴ (the host multiplies by 2⁶⁴ in float64). f ≥ √(2/π),
 * so every scaled term stays a normal float32 (≥ 4.3e−20) and the scaling is exact, while
 * a workgroup's sum of 4096 terms as large as 3.4e38 cannot overflow.
 */
export const LOSS_SCALE = 2 ** -64;

/**
 * Loss kernel, entry point `main`. Bindings: 0 Params, 1 X (rows × s, overwritten by
 * G = c·erf(X/√2) when with_grad), 2 partial sums (one per workgroup).
 *
 * Workgroup g sums elements [4096·g, 4096·g + 4096): thread t takes t, t + 256, …, in that
 * order, then a halving tree over the 256 threads, always pairing the same slots. The
 * host adds the partial sums in index order in float64. So the loss is the same on every
 * run, and its relative error is at most about (16 + 8 + log₂ partials)·2⁻²⁴ before the
 * float64 sum, far below the 1e−5 the tests ask.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LOSS_WGSL } from "./loss_wgsl.ts";
 * assert.ok(LOSS_WGSL.includes("fn main"));
 * ```
 */
export const LOSS_WGSL = `${PARAMS_WGSL}
${ERF_WGSL}
const LOSS_SCALE: f32 = 5.421010862427522e-20f;  // 2^-64, exact

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;

var<workgroup> sums: array<f32, ${LOSS_THREADS}>;

@compute @workgroup_size(${LOSS_THREADS})
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let group = linear_group(wid, grid);
  let count = params.rows * params.dirs;
  let base = group * ${LOSS_ELEMENTS_PER_GROUP}u;
  var sum = 0.0;
  for (var j = 0u; j < ${LOSS_ELEMENTS_PER_GROUP / LOSS_THREADS}u; j++) {
    let i = base + j * ${LOSS_THREADS}u + t;
    if (i < count) {
      let fe = per_f_erf(x[i]);
      sum = fma(fe.x, LOSS_SCALE, sum);
      if (params.with_grad != 0u) { x[i] = fe.y * params.grad_scale; }
    }
  }
  sums[t] = sum;
  workgroupBarrier();
  for (var stride = ${LOSS_THREADS / 2}u; stride > 0u; stride >>= 1u) {
    if (t < stride) { sums[t] += sums[t + stride]; }
    workgroupBarrier();
  }
  if (t == 0u && base < count) { partials[group] = sums[0]; }
}
`;

/**
 * Scan kernel, entry point `main`: the smallest row-major index (within the chunk) of a
 * NaN or ±∞ among rows × d activations, by atomicMin into binding 2 (the host sets it to
 * 0xffffffff first). The test is on the exponent bits: WGSL lets a compiler assume that no
 * float is NaN or infinite, so comparisons on the value could be folded away.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CHECK_WGSL } from "./loss_wgsl.ts";
 * assert.ok(CHECK_WGSL.includes("atomicMin"));
 * ```
 */
export const CHECK_WGSL = `${PARAMS_WGSL}
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> h: array<f32>;
@group(0) @binding(2) var<storage, read_write> first_bad: atomic<u32>;

@compute @workgroup_size(${LOSS_THREADS})
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let i = linear_group(wid, grid) * ${LOSS_THREADS}u + t;
  if (i < params.rows * params.dim) {
    if ((bitcast<u32>(h[i]) & 0x7f800000u) == 0x7f800000u) { atomicMin(&first_bad, i); }
  }
}
`;

/**
 * Evaluation kernel for the accuracy tests, entry point `main`: (f(t), erf(t/√2)) for each
 * t of binding 1 into binding 2, with the same functions the loss kernel calls. Binding 0
 * holds the count as the `rows` field of Params.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { F_ERF_EVAL_WGSL } from "./loss_wgsl.ts";
 * assert.ok(F_ERF_EVAL_WGSL.includes("per_f_erf(values[i])"));
 * ```
 */
export const F_ERF_EVAL_WGSL = `${PARAMS_WGSL}
${ERF_WGSL}
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> results: array<vec2<f32>>;

@compute @workgroup_size(${LOSS_THREADS})
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let i = linear_group(wid, grid) * ${LOSS_THREADS}u + t;
  if (i < params.rows) { results[i] = per_f_erf(values[i]); }
}
`;
