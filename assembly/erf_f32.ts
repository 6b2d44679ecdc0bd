// f(t) = t·erf(t/√2) + √(2/π)·exp(−t²/2) and f′(t) = erf(t/√2) in float32, four lanes
// at a time, with scalar twins that perform the same operations in the same order.
//
// With a = |t|, z = a/√2 and w = z²:
//   e     = exp(−min(w, 86))            Cody–Waite reduction, then 1 + r + r²·Q(r)
//   erf z = z·P(w)                      for z < 0.75
//         = 1 − e·R(1/(1 + p·z))        otherwise (erfc(z) = exp(−z²)·R, never cancels)
//   f(t)  = a·erf(z) + √(2/π)·e         both terms ≥ 0: no cancellation anywhere
//   f′(t) = sign(t)·erf(z)
// Polynomials and their approximation errors: constants.ts. Error of the whole float32
// evaluation against float64, measured over every non-negative finite float32 t by
// tools/measure_erf_error.ts (2026-12-03, Deno 2.9.6): |erf(t/√2) error| ≤ 1.58e−7
// absolute (plain SIMD build; 1.44e−7 relaxed), f(t) within 2.27e−7 relative (2.02e−7);
// both functions are even or odd in t and computed from |t|, so this covers every float32.
// The tests hold erf to 4e−7 and f to 4e−7 on 10^7 random values.
//
// Extremes: w overflows to +∞ for a > 2.6e19 and min(w, 86) absorbs it; exp(−86) keeps
// 2^n a normal number so the exponent trick below stays valid, and at that size e·R is
// below half an ulp of 1, so erf rounds to exactly 1 and f to exactly a. The small-z
// branch overflows for huge z, but its lanes are discarded by the select. R(τ) can dip
// below 0 by at most its 3.3e−9 error where erfc is already below that, so 1 − e·R never
// exceeds 1 after rounding: |f′| ≤ 1 holds exactly.

import {
  CONSTANTS, ERF_P0, ERF_P1, ERF_P2, ERF_P3, ERF_P4, ERF_P5, ERFC_R0, ERFC_R1,
  ERFC_R2, ERFC_R3, ERFC_R4, ERFC_TAU_SCALE, EXP_Q0, EXP_Q1, EXP_Q2, EXP_Q3, EXP_Q4,
  INV_SQRT2, NEG_LN2_HI, NEG_LN2_LO, NEG_LOG2E, ONE, Q_MAX, SIGN_BIT, SQRT_2_OVER_PI, Z0,
} from "./constants";
import { madd, maddScalar } from "./vector";

/** Broadcast of table constant at byte offset `at`. */
// @ts-ignore: decorator
@inline export function constant4(at: usize): v128 {
  return v128.load32_splat(CONSTANTS + at);
}

/** Table constant at byte offset `at`. */
// @ts-ignore: decorator
@inline export function constant1(at: usize): f32 {
  return load<f32>(CONSTANTS + at);
}

/** exp(−q) for 0 ≤ q ≤ 86, four lanes. */
// @ts-ignore: decorator
@inline export function expNegSimd(q: v128): v128 {
  // n = round(−q·log2 e); r = −q − n·ln2 in two steps, so r carries no rounding of n·ln2_hi.
  const n = f32x4.nearest(f32x4.mul(q, constant4(NEG_LOG2E)));
  let r = madd(n, constant4(NEG_LN2_HI), f32x4.neg(q));
  r = madd(n, constant4(NEG_LN2_LO), r);
  // exp(r) = 1 + r + r²·Q(r), Horner.
  let p = madd(r, constant4(EXP_Q4), constant4(EXP_Q3));
  p = madd(r, p, constant4(EXP_Q2));
  p = madd(r, p, constant4(EXP_Q1));
  p = madd(r, p, constant4(EXP_Q0));
  p = f32x4.add(madd(f32x4.mul(r, r), p, r), constant4(ONE));
  // Scale by 2^n by adding n to the exponent field: n ≥ −124 keeps the result normal.
  return i32x4.add(p, i32x4.shl(i32x4.trunc_sat_f32x4_s(n), 23));
}

/** Scalar twin of expNegSimd. */
// @ts-ignore: decorator
@inline export function expNegScalar(q: f32): f32 {
  const n = nearest<f32>(q * constant1(NEG_LOG2E));
  let r = maddScalar(n, constant1(NEG_LN2_HI), -q);
  r = maddScalar(n, constant1(NEG_LN2_LO), r);
  let p = maddScalar(r, constant1(EXP_Q4), constant1(EXP_Q3));
  p = maddScalar(r, p, constant1(EXP_Q2));
  p = maddScalar(r, p, constant1(EXP_Q1));
  p = maddScalar(r, p, constant1(EXP_Q0));
  p = maddScalar(r * r, p, r) + constant1(ONE);
  return reinterpret<f32>(reinterpret<i32>(p) + (<i32>n << 23));
}

/** erf(z) for z ≥ 0 given w = z² and e = exp(−min(w, 86)), four lanes. */
// @ts-ignore: decorator
@inline export function erfAbsSimd(z: v128, w: v128, e: v128): v128 {
  // Small z: z·P(w).
  let p = madd(w, constant4(ERF_P5), constant4(ERF_P4));
  p = madd(w, p, constant4(ERF_P3));
  p = madd(w, p, constant4(ERF_P2));
  p = madd(w, p, constant4(ERF_P1));
  p = madd(w, p, constant4(ERF_P0));
  const small = f32x4.mul(z, p);
  // Large z: 1 − e·R(τ).
  const one = constant4(ONE);
  const tau = f32x4.div(one, madd(z, constant4(ERFC_TAU_SCALE), one));
  let r = madd(tau, constant4(ERFC_R4), constant4(ERFC_R3));
  r = madd(tau, r, constant4(ERFC_R2));
  r = madd(tau, r, constant4(ERFC_R1));
  r = madd(tau, r, constant4(ERFC_R0));
  const large = f32x4.sub(one, f32x4.mul(e, r));
  return v128.bitselect(small, large, f32x4.lt(z, constant4(Z0)));
}

/** Scalar twin of erfAbsSimd. */
// @ts-ignore: decorator
@inline export function erfAbsScalar(z: f32, w: f32, e: f32): f32 {
  let p = maddScalar(w, constant1(ERF_P5), constant1(ERF_P4));
  p = maddScalar(w, p, constant1(ERF_P3));
  p = maddScalar(w, p, constant1(ERF_P2));
  p = maddScalar(w, p, constant1(ERF_P1));
  p = maddScalar(w, p, constant1(ERF_P0));
  const small = z * p;
  const one = constant1(ONE);
  const tau = one / maddScalar(z, constant1(ERFC_TAU_SCALE), one);
  let r = maddScalar(tau, constant1(ERFC_R4), constant1(ERFC_R3));
  r = maddScalar(tau, r, constant1(ERFC_R2));
  r = maddScalar(tau, r, constant1(ERFC_R1));
  r = maddScalar(tau, r, constant1(ERFC_R0));
  const large = one - e * r;
  return z < constant1(Z0) ? small : large;
}

// The fused kernels inline the steps below; these entry points expose the same
// evaluation over an array, for the accuracy tests and tools/measure_erf_error.ts.

/**
 * f(t[i]) into `f` and erf(t[i]/√2) into `g` for i < n (either output may be 0 to skip).
 */
export function f_erf_f32_simd(t: usize, f: usize, g: usize, n: i32): void {
  const sign = constant4(SIGN_BIT);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(t + (<usize>i << 2));
    const a = f32x4.abs(x);
    const z = f32x4.mul(a, constant4(INV_SQRT2));
    const w = f32x4.mul(z, z);
    const e = expNegSimd(f32x4.pmin(w, constant4(Q_MAX)));
    const erfAbs = erfAbsSimd(z, w, e);
    const at = <usize>i << 2;
    if (f) v128.store(f + at, madd(a, erfAbs, f32x4.mul(constant4(SQRT_2_OVER_PI), e)));
    if (g) v128.store(g + at, v128.or(erfAbs, v128.and(x, sign)));
  }
  const rest = <usize>i << 2;
  f_erf_f32_scalar(t + rest, f ? f + rest : 0, g ? g + rest : 0, n - i);
}

/** Scalar twin of f_erf_f32_simd. */
export function f_erf_f32_scalar(t: usize, f: usize, g: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(t + (<usize>i << 2));
    const a = abs<f32>(x);
    const z = a * constant1(INV_SQRT2);
    const w = z * z;
    const e = expNegScalar(min<f32>(w, constant1(Q_MAX)));
    const erfAbs = erfAbsScalar(z, w, e);
    const at = <usize>i << 2;
    if (f) store<f32>(f + at, maddScalar(a, erfAbs, constant1(SQRT_2_OVER_PI) * e));
    if (g) store<f32>(g + at, copysign<f32>(erfAbs, x));
  }
}
