// Exact-mode PER (MATH.md §3): the expectation of f(θ·h) over every direction θ, from
// the norm of each sample alone, in one pass over the batch.
//
// Per sample: r² = ‖h‖², summed in float32 over chunks of NORM_CHUNK values (two vector
// accumulators, so the multiply-adds overlap) and added into float64 per chunk: a chunk sum
// errs by at most about 32 ulp, and the float64 sum adds nothing visible. A row whose
// squares overflow float32 (|h| > 1.8e19) is summed again wholly in float64. Then the
// interpolant built by src/math/exact.ts gives
//   g_d(r)      = √(2/π) · F_loss(t) · √(1 + κ_loss·x)
//   g_d′(r)/r   = √(2/π)/d · F_grad(t) / √(1 + κ_grad·x)
// with x = r²/2 and t = x/(x + d/2), F_* piecewise polynomials on P uniform pieces of t
// (degree D, monomials of v = 2(tP − j) − 1 ∈ [−1, 1], lowest power first). The gradient
// row is c′·(g_d′(r)/r)·h. r² is summed in four partial sums by lane, combined as
// (p0 + p1) + (p2 + p3), in the SIMD kernel and its scalar twin alike.

import { madd, maddScalar } from "./vector";

/** Values summed in float32 before the sum joins the float64 total. */
const NORM_CHUNK: i32 = 64;

// @ts-ignore: decorator
@inline function horner(coefficients: usize, degree: i32, v: f64): f64 {
  let p = load<f64>(coefficients + (<usize>degree << 3));
  for (let i = degree - 1; i >= 0; i--) p = p * v + load<f64>(coefficients + (<usize>i << 3));
  return p;
}

// Scratch for the two results of one interpolation (a function returns one value).
let interpolatedLoss: f64 = 0;
let interpolatedGradScale: f64 = 0;

/** g_d(r) and g_d′(r)/r from r² into the two globals above. */
// @ts-ignore: decorator
@inline function interpolate(
  r2: f64, d: i32, table: usize, pieces: i32, degree: i32,
  b: f64, kappaLoss: f64, kappaGrad: f64,
): void {
  const x = r2 * 0.5;
  const t = x / (x + b);
  const scaled = t * <f64>pieces;
  const j = min(pieces - 1, <i32>scaled);
  const v = 2 * (scaled - <f64>j) - 1;
  const stride = <usize>(degree + 1) << 3;
  const fLoss = horner(table + <usize>j * stride, degree, v);
  const fGrad = horner(table + <usize>(pieces + j) * stride, degree, v);
  const sqrt2OverPi: f64 = 0.7978845608028654;
  interpolatedLoss = sqrt2OverPi * fLoss * Math.sqrt(1 + kappaLoss * x);
  interpolatedGradScale = sqrt2OverPi / <f64>d * fGrad / Math.sqrt(1 + kappaGrad * x);
}

/** ‖row‖² of ldh floats (a multiple of 4), four lanes at a time; see the header. */
// @ts-ignore: decorator
@inline function squaredNormSimd(row: usize, ldh: i32): f64 {
  let sumLow = f64x2.splat(0), sumHigh = f64x2.splat(0);
  for (let j0 = 0; j0 < ldh; j0 += NORM_CHUNK) {
    const end = min(ldh, j0 + NORM_CHUNK);
    let even = f32x4.splat(0), odd = f32x4.splat(0);
    let j = j0;
    for (; j + 8 <= end; j += 8) {
      const a = v128.load(row + (<usize>j << 2)), c = v128.load(row + (<usize>j << 2), 16);
      even = madd(a, a, even);
      odd = madd(c, c, odd);
    }
    if (j < end) {
      const a = v128.load(row + (<usize>j << 2));
      even = madd(a, a, even);
    }
    const chunk = f32x4.add(even, odd);
    sumLow = f64x2.add(sumLow, f64x2.promote_low_f32x4(chunk));
    sumHigh = f64x2.add(sumHigh, f64x2.promote_low_f32x4(i32x4.shuffle(chunk, chunk, 2, 3, 2, 3)));
  }
  const r2 = (f64x2.extract_lane(sumLow, 0) + f64x2.extract_lane(sumLow, 1)) +
    (f64x2.extract_lane(sumHigh, 0) + f64x2.extract_lane(sumHigh, 1));
  return r2 < Infinity ? r2 : squaredNormF64(row, ldh);
}

/** Scalar twin of squaredNormSimd: each lane's sums in the same order. */
// @ts-ignore: decorator
@inline function squaredNormScalar(row: usize, ldh: i32): f64 {
  let sum0: f64 = 0, sum1: f64 = 0, sum2: f64 = 0, sum3: f64 = 0;
  for (let j0 = 0; j0 < ldh; j0 += NORM_CHUNK) {
    const end = min(ldh, j0 + NORM_CHUNK);
    for (let lane = 0; lane < 4; lane++) {
      let even: f32 = 0, odd: f32 = 0;
      let j = j0;
      for (; j + 8 <= end; j += 8) {
        const a = load<f32>(row + (<usize>(j + lane) << 2));
        const c = load<f32>(row + (<usize>(j + 4 + lane) << 2));
        even = maddScalar(a, a, even);
        odd = maddScalar(c, c, odd);
      }
      if (j < end) {
        const a = load<f32>(row + (<usize>(j + lane) << 2));
        even = maddScalar(a, a, even);
      }
      const chunk = <f64>(even + odd);
      if (lane == 0) sum0 += chunk;
      else if (lane == 1) sum1 += chunk;
      else if (lane == 2) sum2 += chunk;
      else sum3 += chunk;
    }
  }
  const r2 = (sum0 + sum1) + (sum2 + sum3);
  return r2 < Infinity ? r2 : squaredNormF64(row, ldh);
}

/** ‖row‖² summed in float64 throughout, for rows whose squares overflow float32. */
function squaredNormF64(row: usize, ldh: i32): f64 {
  let sum: f64 = 0;
  for (let j = 0; j < ldh; j++) {
    const v = <f64>load<f32>(row + (<usize>j << 2));
    sum += v * v;
  }
  return sum;
}

/** Gradient row = scale·h. Scales too small for float32 take a float64 path per value. */
// @ts-ignore: decorator
@inline function scaleRowScalar(h: usize, grad: usize, count: i32, scale: f64): void {
  if (scale >= 1e-30) {
    const s32 = <f32>scale;
    for (let j = 0; j < count; j++) {
      store<f32>(grad + (<usize>j << 2), load<f32>(h + (<usize>j << 2)) * s32);
    }
  } else {
    for (let j = 0; j < count; j++) {
      store<f32>(grad + (<usize>j << 2), <f32>(<f64>load<f32>(h + (<usize>j << 2)) * scale));
    }
  }
}

/**
 * Sum over samples of g_d(‖h_i‖) (unscaled), and when withGrad the gradient rows
 * gradScale·(g_d′(r)/r)·h_i. `table` holds the loss coefficients of all pieces, then the
 * gradient coefficients (float64). Rows are ldh floats, zero-padded to a multiple of 4.
 */
export function exact_f32_simd(
  h: usize, ldh: i32, grad: usize, n: i32, d: i32, table: usize, pieces: i32, degree: i32,
  b: f64, kappaLoss: f64, kappaGrad: f64, gradScale: f64, withGrad: bool,
): f64 {
  let loss: f64 = 0;
  const rowBytes = <usize>ldh << 2;
  for (let i = 0; i < n; i++) {
    const row = h + <usize>i * rowBytes;
    const r2 = squaredNormSimd(row, ldh);
    interpolate(r2, d, table, pieces, degree, b, kappaLoss, kappaGrad);
    loss += interpolatedLoss;
    if (!withGrad) continue;
    const scale = gradScale * interpolatedGradScale;
    const out = grad + <usize>i * rowBytes;
    if (scale >= 1e-30) {
      const s = f32x4.splat(<f32>scale);
      for (let j = 0; j < ldh; j += 4) {
        v128.store(out + (<usize>j << 2), f32x4.mul(v128.load(row + (<usize>j << 2)), s));
      }
    } else {
      scaleRowScalar(row, out, ldh, scale);
    }
  }
  return loss;
}

/** Scalar twin of exact_f32_simd. */
export function exact_f32_scalar(
  h: usize, ldh: i32, grad: usize, n: i32, d: i32, table: usize, pieces: i32, degree: i32,
  b: f64, kappaLoss: f64, kappaGrad: f64, gradScale: f64, withGrad: bool,
): f64 {
  let loss: f64 = 0;
  const rowBytes = <usize>ldh << 2;
  for (let i = 0; i < n; i++) {
    const row = h + <usize>i * rowBytes;
    const r2 = squaredNormScalar(row, ldh);
    interpolate(r2, d, table, pieces, degree, b, kappaLoss, kappaGrad);
    loss += interpolatedLoss;
    if (withGrad) {
      scaleRowScalar(row, grad + <usize>i * rowBytes, ldh, gradScale * interpolatedGradScale);
    }
  }
  return loss;
}
