// C = A·B (or C += A·B) in float32 for the two products of the fused PER kernel:
// the projection X = H·Θᵀ and the back-projection ∂L/∂H = G·Θ.
//
// B arrives packed (pack_panels_f32): column panels of 8, each stored as K rows of 8
// contiguous floats, then one panel of 4 when N ≡ 4 (mod 8). N is always a multiple of 4:
// the caller pads rows with zeros. The SIMD micro-kernel keeps a 4×8 tile of C in eight
// registers and broadcasts one element of A per row and step (`v128.load32_splat`).
//
// Accuracy: the sum over K is split into chunks of KC = 64 terms, each chunk summed in
// registers and then added into C (blocked summation; Higham, "Accuracy and Stability of
// Numerical Algorithms", 2nd ed., §4.2: the error bound grows with KC + K/KC instead of
// K). The back-projection adds the chunks into float64 (below).
//
// Scalar twins accumulate every element of C over the same terms in the same order, so
// the plain SIMD build and the scalars agree bit for bit.

import { madd } from "./vector";

/** Terms summed in registers before they are added into C. */
export const KC: i32 = 64;

/** Byte offset of row p of the panel that starts at column j (panel width 8, or 4 last). */
// @ts-ignore: decorator
@inline function panelOffset(j: i32, k: i32, p: i32, width: i32): usize {
  return (<usize>j * <usize>k + <usize>p * <usize>width) << 2;
}

// Where C is float64 (sizeof<Acc>() == 8), each chunk is summed from zero in float32
// registers and its four lanes are promoted and added into C: chunk sums are short, and
// the float64 running sum removes the drift that K/KC float32 additions into a coherent
// total leave (measured: 1.4e−6 of the largest gradient at s = 4096, 2e−8 after).

/** First value of a register sum: C itself when adding into float32 C, else zero. */
// @ts-ignore: decorator
@inline function startSum<Acc>(c: usize, add: bool): v128 {
  if (sizeof<Acc>() == 4 && add) return v128.load(c);
  return i32x4.splat(0);
}

/** Writes a register sum of four columns to C (float32), or adds it into C (float64). */
// @ts-ignore: decorator
@inline function finishSum<Acc>(c: usize, sum: v128, add: bool): void {
  if (sizeof<Acc>() == 4) {
    v128.store(c, sum);
    return;
  }
  let low = f64x2.promote_low_f32x4(sum);
  let high = f64x2.promote_low_f32x4(i32x4.shuffle(sum, sum, 2, 3, 2, 3));
  if (add) {
    low = f64x2.add(v128.load(c), low);
    high = f64x2.add(v128.load(c, 16), high);
  }
  v128.store(c, low);
  v128.store(c, high, 16);
}

// @ts-ignore: decorator
@inline function tile4x8<Acc>(
  a: usize, lda: usize, b: usize, c: usize, ldc: usize, kc: i32, add: bool,
): void {
  const half = <usize>sizeof<Acc>() << 2; // bytes of four columns of C
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  let s00 = startSum<Acc>(c, add), s01 = startSum<Acc>(c + half, add);
  let s10 = startSum<Acc>(c1, add), s11 = startSum<Acc>(c1 + half, add);
  let s20 = startSum<Acc>(c2, add), s21 = startSum<Acc>(c2 + half, add);
  let s30 = startSum<Acc>(c3, add), s31 = startSum<Acc>(c3 + half, add);
  let a0 = a, a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a0);
    s00 = madd(x, b0, s00); s01 = madd(x, b1, s01);
    x = v128.load32_splat(a1);
    s10 = madd(x, b0, s10); s11 = madd(x, b1, s11);
    x = v128.load32_splat(a2);
    s20 = madd(x, b0, s20); s21 = madd(x, b1, s21);
    x = v128.load32_splat(a3);
    s30 = madd(x, b0, s30); s31 = madd(x, b1, s31);
    a0 += 4; a1 += 4; a2 += 4; a3 += 4; b += 32;
  }
  finishSum<Acc>(c, s00, add); finishSum<Acc>(c + half, s01, add);
  finishSum<Acc>(c1, s10, add); finishSum<Acc>(c1 + half, s11, add);
  finishSum<Acc>(c2, s20, add); finishSum<Acc>(c2 + half, s21, add);
  finishSum<Acc>(c3, s30, add); finishSum<Acc>(c3 + half, s31, add);
}

// The 4×4, 1×8 and 1×4 tiles below are the edges of tile4x8: same steps, fewer lanes.

// @ts-ignore: decorator
@inline function tile4x4<Acc>(
  a: usize, lda: usize, b: usize, c: usize, ldc: usize, kc: i32, add: bool,
): void {
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  let s0 = startSum<Acc>(c, add), s1 = startSum<Acc>(c1, add);
  let s2 = startSum<Acc>(c2, add), s3 = startSum<Acc>(c3, add);
  let a0 = a, a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    s0 = madd(v128.load32_splat(a0), b0, s0);
    s1 = madd(v128.load32_splat(a1), b0, s1);
    s2 = madd(v128.load32_splat(a2), b0, s2);
    s3 = madd(v128.load32_splat(a3), b0, s3);
    a0 += 4; a1 += 4; a2 += 4; a3 += 4; b += 16;
  }
  finishSum<Acc>(c, s0, add); finishSum<Acc>(c1, s1, add);
  finishSum<Acc>(c2, s2, add); finishSum<Acc>(c3, s3, add);
}

// @ts-ignore: decorator
@inline function tile1x8<Acc>(a: usize, b: usize, c: usize, kc: i32, add: bool): void {
  const half = <usize>sizeof<Acc>() << 2;
  let s0 = startSum<Acc>(c, add), s1 = startSum<Acc>(c + half, add);
  for (let p = 0; p < kc; p++) {
    const x = v128.load32_splat(a);
    s0 = madd(x, v128.load(b), s0);
    s1 = madd(x, v128.load(b, 16), s1);
    a += 4; b += 32;
  }
  finishSum<Acc>(c, s0, add); finishSum<Acc>(c + half, s1, add);
}

// @ts-ignore: decorator
@inline function tile1x4<Acc>(a: usize, b: usize, c: usize, kc: i32, add: bool): void {
  let s0 = startSum<Acc>(c, add);
  for (let p = 0; p < kc; p++) {
    s0 = madd(v128.load32_splat(a), v128.load(b), s0);
    a += 4; b += 16;
  }
  finishSum<Acc>(c, s0, add);
}

/**
 * C[m×n] (+)= A[m×k]·B[k×n] with C of type Acc (f32 or f64), B packed in panels; lda and
 * ldc in elements; n % 4 == 0. Loop order: K chunk, then column panel, then rows, so the
 * KC×8 slice of B stays in L1 while every row tile passes over it.
 */
// @ts-ignore: decorator
@inline function gemmSimd<Acc>(
  a: usize, lda: i32, b: usize, c: usize, ldc: i32, m: i32, n: i32, k: i32, accumulate: bool,
): void {
  const ldaBytes = <usize>lda << 2, ldcBytes = <usize>ldc * sizeof<Acc>();
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    const add = accumulate || k0 > 0;
    for (let j = 0; j < n; j += 8) {
      const width = n - j >= 8 ? 8 : 4;
      const panel = b + panelOffset(j, k, k0, width);
      const column = <usize>j * sizeof<Acc>();
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const aTile = a + <usize>i * ldaBytes + (<usize>k0 << 2);
        const cTile = c + <usize>i * ldcBytes + column;
        if (width == 8) tile4x8<Acc>(aTile, ldaBytes, panel, cTile, ldcBytes, kc, add);
        else tile4x4<Acc>(aTile, ldaBytes, panel, cTile, ldcBytes, kc, add);
      }
      for (; i < m; i++) {
        const aRow = a + <usize>i * ldaBytes + (<usize>k0 << 2);
        const cRow = c + <usize>i * ldcBytes + column;
        if (width == 8) tile1x8<Acc>(aRow, panel, cRow, kc, add);
        else tile1x4<Acc>(aRow, panel, cRow, kc, add);
      }
    }
  }
}

/** Scalar twin of gemmSimd: every element summed over the same terms, same order. */
// @ts-ignore: decorator
@inline function gemmScalar<Acc>(
  a: usize, lda: i32, b: usize, c: usize, ldc: i32, m: i32, n: i32, k: i32, accumulate: bool,
): void {
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    const add = accumulate || k0 > 0;
    for (let j = 0; j < n; j += 8) {
      const width = n - j >= 8 ? 8 : 4;
      const panel = b + panelOffset(j, k, k0, width);
      for (let i = 0; i < m; i++) {
        const aRow = a + ((<usize>i * <usize>lda + <usize>k0) << 2);
        const cRow = c + (<usize>i * <usize>ldc + <usize>j) * sizeof<Acc>();
        for (let jj = 0; jj < width; jj++) {
          const at = cRow + <usize>jj * sizeof<Acc>();
          let sum: f32 = sizeof<Acc>() == 4 && add ? load<f32>(at) : 0;
          for (let p = 0; p < kc; p++) {
            sum = load<f32>(aRow + (<usize>p << 2)) *
              load<f32>(panel + ((<usize>p * <usize>width + <usize>jj) << 2)) + sum;
          }
          if (sizeof<Acc>() == 4) store<f32>(at, sum);
          else store<f64>(at, add ? load<f64>(at) + <f64>sum : <f64>sum);
        }
      }
    }
  }
}

/** C (float32) (+)= A·B; see gemmSimd. */
export function gemm_f32_simd(
  a: usize, lda: i32, b: usize, c: usize, ldc: i32, m: i32, n: i32, k: i32, accumulate: bool,
): void {
  gemmSimd<f32>(a, lda, b, c, ldc, m, n, k, accumulate);
}

/** C (float64) (+)= A·B, chunk sums in float32; see gemmSimd. */
export function gemm_f32_f64_simd(
  a: usize, lda: i32, b: usize, c: usize, ldc: i32, m: i32, n: i32, k: i32, accumulate: bool,
): void {
  gemmSimd<f64>(a, lda, b, c, ldc, m, n, k, accumulate);
}

/** Scalar twin of gemm_f32_simd. */
export function gemm_f32_scalar(
  a: usize, lda: i32, b: usize, c: usize, ldc: i32, m: i32, n: i32, k: i32, accumulate: bool,
): void {
  gemmScalar<f32>(a, lda, b, c, ldc, m, n, k, accumulate);
}

/** Scalar twin of gemm_f32_f64_simd. */
export function gemm_f32_f64_scalar(
  a: usize, lda: i32, b: usize, c: usize, ldc: i32, m: i32, n: i32, k: i32, accumulate: bool,
): void {
  gemmScalar<f64>(a, lda, b, c, ldc, m, n, k, accumulate);
}

/**
 * Packs B[k×n] into column panels for the gemm kernels. With `transposed`, B is read as
 * the transpose of a row-major n×k source (B[p][j] = src[j·ld + p]); columns j ≥ cols
 * (up to n, the padded width) are written as zeros.
 */
export function pack_panels_f32(
  src: usize, ld: i32, k: i32, n: i32, cols: i32, transposed: bool, dst: usize,
): void {
  for (let j = 0; j < n; j += 8) {
    const width = n - j >= 8 ? 8 : 4;
    const panel = dst + panelOffset(j, k, 0, width);
    for (let p = 0; p < k; p++) {
      for (let jj = 0; jj < width; jj++) {
        const column = j + jj;
        let value: f32 = 0;
        if (column < cols) {
          value = transposed
            ? load<f32>(src + ((<usize>column * <usize>ld + <usize>p) << 2))
            : load<f32>(src + ((<usize>p * <usize>ld + <usize>column) << 2));
        }
        store<f32>(panel + ((<usize>p * <usize>width + <usize>jj) << 2), value);
      }
    }
  }
}
