// Scans for values the kernels must refuse: NaN and ±∞ (the caller reports the index).

/** Index of the first NaN or ±∞ among count floats at p, or −1. */
export function first_non_finite_f32_simd(p: usize, count: i32): i32 {
  const infinity = f32x4.splat(Infinity);
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    // |v| < ∞ is false exactly for NaN and ±∞; four vectors per test keep the loop short.
    const a = f32x4.lt(f32x4.abs(v128.load(p + (<usize>i << 2))), infinity);
    const b = f32x4.lt(f32x4.abs(v128.load(p + (<usize>i << 2), 16)), infinity);
    const c = f32x4.lt(f32x4.abs(v128.load(p + (<usize>i << 2), 32)), infinity);
    const d = f32x4.lt(f32x4.abs(v128.load(p + (<usize>i << 2), 48)), infinity);
    if (!i32x4.all_true(v128.and(v128.and(a, b), v128.and(c, d)))) break;
  }
  const found = first_non_finite_f32_scalar(p + (<usize>i << 2), count - i);
  return found < 0 ? -1 : i + found;
}

/** Scalar twin of first_non_finite_f32_simd. */
export function first_non_finite_f32_scalar(p: usize, count: i32): i32 {
  for (let i = 0; i < count; i++) {
    if (!(abs<f32>(load<f32>(p + (<usize>i << 2))) < Infinity)) return i;
  }
  return -1;
}
