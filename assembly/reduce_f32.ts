// Reductions over projected values for scoring: Σ f(x) over an array (the PER of one
// direction), and the strided copy that makes one direction's projections contiguous.

import { INV_SQRT2, Q_MAX, SQRT_2_OVER_PI } from "./constants";
import {
  constant1, constant4, erfAbsScalar, erfAbsSimd, expNegScalar, expNegSimd,
} from "./erf_f32";
import { laneMask, madd, maddScalar } from "./vector";

/**
 * Σ f(x[i]) for i < n in float64 (the same f as the fused kernel), summed in four partial
 * sums by lane and combined as (p0 + p1) + (p2 + p3).
 */
export function f_sum_f32_simd(x: usize, n: i32): f64 {
  let sumLow = f64x2.splat(0), sumHigh = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const a = f32x4.abs(v128.load(x + (<usize>i << 2)));
    const z = f32x4.mul(a, constant4(INV_SQRT2));
    const w = f32x4.mul(z, z);
    const e = expNegSimd(f32x4.pmin(w, constant4(Q_MAX)));
    let f = madd(a, erfAbsSimd(z, w, e), f32x4.mul(constant4(SQRT_2_OVER_PI), e));
    // Lanes past n are masked out (the caller pads x to a multiple of 4 floats).
    if (i + 4 > n) f = v128.and(f, laneMask(n - i));
    sumLow = f64x2.add(sumLow, f64x2.promote_low_f32x4(f));
    sumHigh = f64x2.add(sumHigh, f64x2.promote_low_f32x4(i32x4.shuffle(f, f, 2, 3, 2, 3)));
  }
  return (f64x2.extract_lane(sumLow, 0) + f64x2.extract_lane(sumLow, 1)) +
    (f64x2.extract_lane(sumHigh, 0) + f64x2.extract_lane(sumHigh, 1));
}

/** Scalar twin of f_sum_f32_simd. */
export function f_sum_f32_scalar(x: usize, n: i32): f64 {
  let sum0: f64 = 0, sum1: f64 = 0, sum2: f64 = 0, sum3: f64 = 0;
  for (let i = 0; i < n; i++) {
    const a = abs<f32>(load<f32>(x + (<usize>i << 2)));
    const z = a * constant1(INV_SQRT2);
    const w = z * z;
    const e = expNegScalar(min<f32>(w, constant1(Q_MAX)));
    const f = <f64>maddScalar(a, erfAbsScalar(z, w, e), constant1(SQRT_2_OVER_PI) * e);
    const lane = i & 3;
    if (lane == 0) sum0 += f;
    else if (lane == 1) sum1 += f;
    else if (lane == 2) sum2 += f;
    else sum3 += f;
  }
  return (sum0 + sum1) + (sum2 + sum3);
}

/** dst[i] = src[i·ld + column] for i < n (float32): one column of a row-major matrix. */
export function column_f32(src: usize, ld: i32, n: i32, column: i32, dst: usize): void {
  let from = src + (<usize>column << 2);
  const step = <usize>ld << 2;
  for (let i = 0; i < n; i++) {
    store<f32>(dst + (<usize>i << 2), load<f32>(from));
    from += step;
  }
}
