// The fused Monte Carlo PER kernel: loss and gradient over a batch of samples.
//
// For each block of at most `rowBlock` samples:
//   1. X = H_block·Θᵀ                   projections, m × sPad, kept in cache (rowBlock is
//                                       chosen so that X fits in L1 or L2)
//   2. loss += Σ f(X);  G = c·erf(X/√2) in place of X (erf_f32.ts)
//   3. ∂L/∂H_block = G·Θ                back-projection into the gradient rows
// Memory layout (all float32, rows padded with zeros to multiples of 4 floats):
//   h           n rows of ldh floats
//   grad        n rows of ldh float64 (the back-projection sums its chunks in float64)
//   thetaT      Θᵀ packed for gemm: d × sPad (pack_panels_f32 of Θ, transposed)
//   theta       Θ packed for gemm: s × ldh
//   x           rowBlock × sPad scratch
// The loss is the plain sum Σ_ik f(x_ik) in float64 (the caller scales it), accumulated
// in four partial sums by column lane and combined as (p0 + p1) + (p2 + p3), in the SIMD
// kernel and its scalar twin alike.

import {
  INV_SQRT2, Q_MAX, SIGN_BIT, SQRT_2_OVER_PI,
} from "./constants";
import {
  constant1, constant4, erfAbsScalar, erfAbsSimd, expNegScalar, expNegSimd,
} from "./erf_f32";
import {
  gemm_f32_f64_scalar, gemm_f32_f64_simd, gemm_f32_scalar, gemm_f32_simd,
} from "./gemm_f32";
import { laneMask, madd, maddScalar } from "./vector";

/**
 * Loss sum and (when withGrad) gradient rows for n samples; see the layout above.
 * gradScale is c of MATH.md §2: 1/(n·s) for the mean reduction, 1/s for the sum.
 */
export function per_f32_simd(
  h: usize, ldh: i32, thetaT: usize, theta: usize, grad: usize, x: usize,
  n: i32, d: i32, s: i32, sPad: i32, rowBlock: i32, gradScale: f32, withGrad: bool,
): f64 {
  let sumLow = f64x2.splat(0), sumHigh = f64x2.splat(0);
  const scale = f32x4.splat(gradScale);
  const sign = constant4(SIGN_BIT);
  const rowBytes = <usize>ldh << 2, gradRowBytes = <usize>ldh << 3;
  const xRowBytes = <usize>sPad << 2;
  for (let r0 = 0; r0 < n; r0 += rowBlock) {
    const m = min(rowBlock, n - r0);
    // 1. Projections of this block onto every direction.
    gemm_f32_simd(h + <usize>r0 * rowBytes, ldh, thetaT, x, sPad, m, sPad, d, false);
    // 2. f for the loss, c·erf for the gradient.
    for (let i = 0; i < m; i++) {
      const row = x + <usize>i * xRowBytes;
      for (let k = 0; k < sPad; k += 4) {
        const t = v128.load(row + (<usize>k << 2));
        const a = f32x4.abs(t);
        const z = f32x4.mul(a, constant4(INV_SQRT2));
        const w = f32x4.mul(z, z);
        const e = expNegSimd(f32x4.pmin(w, constant4(Q_MAX)));
        const erfAbs = erfAbsSimd(z, w, e);
        let f = madd(a, erfAbs, f32x4.mul(constant4(SQRT_2_OVER_PI), e));
        // Padding columns hold x = 0, whose f = √(2/π) must not count.
        if (k + 4 > s) f = v128.and(f, laneMask(s - k));
        sumLow = f64x2.add(sumLow, f64x2.promote_low_f32x4(f));
        sumHigh = f64x2.add(sumHigh, f64x2.promote_low_f32x4(i32x4.shuffle(f, f, 2, 3, 2, 3)));
        if (withGrad) {
          v128.store(row + (<usize>k << 2), f32x4.mul(v128.or(erfAbs, v128.and(t, sign)), scale));
        }
      }
    }
    // 3. Back-projection: erf(0) = 0 in the padding, so only the s real columns matter.
    if (withGrad) {
      gemm_f32_f64_simd(x, sPad, theta, grad + <usize>r0 * gradRowBytes, ldh, m, ldh, s, false);
    }
  }
  return (f64x2.extract_lane(sumLow, 0) + f64x2.extract_lane(sumLow, 1)) +
    (f64x2.extract_lane(sumHigh, 0) + f64x2.extract_lane(sumHigh, 1));
}

/** Scalar twin of per_f32_simd. */
export function per_f32_scalar(
  h: usize, ldh: i32, thetaT: usize, theta: usize, grad: usize, x: usize,
  n: i32, d: i32, s: i32, sPad: i32, rowBlock: i32, gradScale: f32, withGrad: bool,
): f64 {
  let sum0: f64 = 0, sum1: f64 = 0, sum2: f64 = 0, sum3: f64 = 0;
  const rowBytes = <usize>ldh << 2, gradRowBytes = <usize>ldh << 3;
  const xRowBytes = <usize>sPad << 2;
  for (let r0 = 0; r0 < n; r0 += rowBlock) {
    const m = min(rowBlock, n - r0);
    gemm_f32_scalar(h + <usize>r0 * rowBytes, ldh, thetaT, x, sPad, m, sPad, d, false);
    for (let i = 0; i < m; i++) {
      const row = x + <usize>i * xRowBytes;
      for (let k = 0; k < sPad; k++) {
        const t = load<f32>(row + (<usize>k << 2));
        const a = abs<f32>(t);
        const z = a * constant1(INV_SQRT2);
        const w = z * z;
        const e = expNegScalar(min<f32>(w, constant1(Q_MAX)));
        const erfAbs = erfAbsScalar(z, w, e);
        const f = k < s ? <f64>maddScalar(a, erfAbs, constant1(SQRT_2_OVER_PI) * e) : 0;
        const lane = k & 3;
        if (lane == 0) sum0 += f;
        else if (lane == 1) sum1 += f;
        else if (lane == 2) sum2 += f;
        else sum3 += f;
        if (withGrad) store<f32>(row + (<usize>k << 2), copysign<f32>(erfAbs, t) * gradScale);
      }
    }
    if (withGrad) {
      gemm_f32_f64_scalar(x, sPad, theta, grad + <usize>r0 * gradRowBytes, ldh, m, ldh, s, false);
    }
  }
  return (sum0 + sum1) + (sum2 + sum3);
}
