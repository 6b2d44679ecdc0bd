// Vector helpers shared by the SIMD kernels.
//
// One source compiles twice: with `--enable simd` and with `--enable simd,relaxed-simd`.
// ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so each build keeps exactly one
// branch of `madd`: the plain build multiplies and adds (two roundings, the same as the
// scalar twins), the relaxed build uses `f32x4.relaxed_madd` (fused on x86 with FMA).

/** a * b + c, four lanes; fused where the relaxed build allows it. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** a * b + c on scalars: the scalar twins never fuse. */
// @ts-ignore: decorator
@inline export function maddScalar(a: f32, b: f32, c: f32): f32 {
  return a * b + c;
}

/** Float32 lanes with bits [1, 1, 0, 0] for count = 2: lanes below `count` kept. */
// @ts-ignore: decorator
@inline export function laneMask(count: i32): v128 {
  const lanes = i32x4(0, 1, 2, 3);
  return i32x4.lt_s(lanes, i32x4.splat(count));
}
