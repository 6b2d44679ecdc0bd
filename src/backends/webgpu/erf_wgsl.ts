/**
 * WGSL source of f(t) = t·erf(t/√2) + √(2/π)·exp(−t²/2) and f′(t) = erf(t/√2) in float32.
 * WGSL has no erf, and its exp is only specified to 3 + 2·|x| ULP, so both are written out.
 *
 * The evaluation mirrors the WebAssembly kernels (assembly/erf_f32.ts, constants in
 * assembly/constants.ts, fitted by tools/fit_kernel_polynomials.ts): with a = |t|,
 * z = a/√2, w = z²,
 *
 *     e      = exp(−min(w, 86))       Cody–Waite reduction, 1 + r + r²·Q(r), 2ⁿ by exponent
 *     erf(z) = z·P(w)                 z < 0.75 (P: 5.9e−8 relative)
 *            = 1 − e·R(1/(1 + p·z))   z ≥ 0.75 (erfc = e·R: 3.3e−9 absolute, no cancellation)
 *     f(t)   = a·erf(z) + √(2/π)·e    two terms ≥ 0
 *
 * Differences from the WebAssembly source: `fma` may fuse where the plain SIMD build
 * rounds twice (the relaxed build fuses too), and z is clamped to 16 before it is squared
 * (e and erf are the same for every z ≥ 9.3, where min(w, 86) = 86), so that no
 * intermediate is infinite: WGSL lets a compiler assume that no value is NaN or ±∞.
 *
 * Measured by tests/webgpu_kernels_test.ts on Mesa's software adapter (lavapipe, Vulkan)
 * over 4·2²⁰ float32 values (half uniform on [−8, 8], half log-uniform over every
 * magnitude) and the special values, against the float64 erf of src/math/erf.ts: erf(t/√2)
 * within 1.4e−7 absolute and f within 2.3e−7 relative. The test holds them to 4e−7, the
 * bounds the WebAssembly kernels are held to (the requirement is 1e−6 absolute for erf);
 * |f′| ≤ 1 exactly, and f′ = ±1 and f = |t| for |t| ≥ 6.
 *
 * @module
 */

/**
 * The float32 constants of assembly/constants.ts, by name (tests compare them with that
 * file, so the two evaluations cannot drift apart).
 */
export const ERF_CONSTANTS: Readonly<Record<string, number>> = {
  INV_SQRT2: 0.707106781,
  Z0: 0.75,
  Q_MAX: 86.0,
  NEG_LOG2E: -1.44269504,
  NEG_LN2_HI: -0.693359375,
  NEG_LN2_LO: 2.12194440e-4,
  EXP_Q0: 0.499999940,
  EXP_Q1: 0.166665211,
  EXP_Q2: 0.0416683890,
  EXP_Q3: 0.00836871006,
  EXP_Q4: 0.00138146128,
  ERF_P0: 1.12837923,
  ERF_P1: -0.376126200,
  ERF_P2: 0.112833768,
  ERF_P3: -0.0268346258,
  ERF_P4: 0.00511434581,
  ERF_P5: -0.000674951356,
  ERFC_TAU_SCALE: 0.629999995,
  ERFC_R0: -0.00501639862,
  ERFC_R1: 0.408140391,
  ERFC_R2: 0.133591518,
  ERFC_R3: 0.743925810,
  ERFC_R4: -0.281317085,
  SQRT_2_OVER_PI: 0.797884561,
};

/**
 * A WGSL f32 literal holding exactly Math.fround(value): the shortest decimal of that
 * float32 (as a float64), which every parser rounds back to the same float32.
 *
 * @param value any finite number
 * @returns the literal, with the `f` suffix
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { f32Literal } from "./erf_wgsl.ts";
 * assert.equal(f32Literal(0.1), "0.10000000149011612f");
 * assert.equal(f32Literal(2), "2.0f");
 * ```
 */
export function f32Literal(value: number): string {
  const text = String(Math.fround(value));
  return /[.e]/.test(text) ? `${text}f` : `${text}.0f`;
}

const constants = Object.entries(ERF_CONSTANTS)
  .map(([name, value]) => `const ${name}: f32 = ${f32Literal(value)};`)
  .join("\n");

/**
 * WGSL functions `per_exp_neg(q)`, `per_erf_abs(z, w, e)` and `per_f_erf(t) -> vec2<f32>`
 * (f(t), erf(t/√2)), to be placed in a shader module before the kernels that call them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ERF_WGSL } from "./erf_wgsl.ts";
 * assert.ok(ERF_WGSL.includes("fn per_f_erf(t: f32) -> vec2<f32>"));
 * ```
 */
export const ERF_WGSL: string = `
${constants}

// exp(−q) for 0 ≤ q ≤ 86: n = round(−q·log2 e), r = −q − n·ln2 in two steps (n·ln2_hi is
// exact for |n| < 2^13), exp(r) = 1 + r + r²·Q(r), then 2^n added to the exponent field
// (n ≥ −124 keeps the result normal).
fn per_exp_neg(q: f32) -> f32 {
  let n = round(q * NEG_LOG2E);
  var r = fma(n, NEG_LN2_HI, -q);
  r = fma(n, NEG_LN2_LO, r);
  var p = fma(r, EXP_Q4, EXP_Q3);
  p = fma(r, p, EXP_Q2);
  p = fma(r, p, EXP_Q1);
  p = fma(r, p, EXP_Q0);
  p = fma(r * r, p, r) + 1.0;
  return bitcast<f32>(bitcast<i32>(p) + (i32(n) << 23u));
}

// erf(z) for 0 ≤ z ≤ 16, given w = z² and e = exp(−min(w, 86)).
fn per_erf_abs(z: f32, w: f32, e: f32) -> f32 {
  var p = fma(w, ERF_P5, ERF_P4);
  p = fma(w, p, ERF_P3);
  p = fma(w, p, ERF_P2);
  p = fma(w, p, ERF_P1);
  p = fma(w, p, ERF_P0);
  let small = z * p;
  let tau = 1.0 / fma(z, ERFC_TAU_SCALE, 1.0);
  var r = fma(tau, ERFC_R4, ERFC_R3);
  r = fma(tau, r, ERFC_R2);
  r = fma(tau, r, ERFC_R1);
  r = fma(tau, r, ERFC_R0);
  let large = 1.0 - e * r;
  return select(large, small, z < Z0);
}

// (f(t), erf(t/√2)) for finite t. Clamping z at 16 changes neither e nor erf (both are
// saturated from z = 9.3 on) and keeps z² finite; a·erf is then exactly a for large a.
fn per_f_erf(t: f32) -> vec2<f32> {
  let a = abs(t);
  let z = min(a * INV_SQRT2, 16.0);
  let w = z * z;
  let e = per_exp_neg(min(w, Q_MAX));
  let erf_abs = per_erf_abs(z, w, e);
  let f = fma(a, erf_abs, SQRT_2_OVER_PI * e);
  return vec2<f32>(f, select(erf_abs, -erf_abs, t < 0.0));
}
`;
