// Ceiling measurements for bench/peers.ts: the multiply-add throughput this runtime gives
// WebAssembly SIMD, with twelve independent accumulators so that latency never limits.
// Not used by the library; kept in the module so that the benchmark measures the same
// compiler and runtime as the kernels.

import { madd } from "./vector";

// @ts-ignore: decorator
@inline function peak(iterations: i32, scale: f32, fused: bool): f32 {
  const x = f32x4.splat(scale), y = f32x4.splat(1 - scale);
  let a0 = f32x4.splat(0.1), a1 = f32x4.splat(0.2), a2 = f32x4.splat(0.3);
  let a3 = f32x4.splat(0.4), a4 = f32x4.splat(0.5), a5 = f32x4.splat(0.6);
  let a6 = f32x4.splat(0.7), a7 = f32x4.splat(0.8), a8 = f32x4.splat(0.9);
  let a9 = f32x4.splat(1.0), a10 = f32x4.splat(1.1), a11 = f32x4.splat(1.2);
  for (let i = 0; i < iterations; i++) {
    if (fused) {
      // madd: relaxed_madd in the relaxed build, multiply then add in the plain one.
      a0 = madd(a0, x, y); a1 = madd(a1, x, y); a2 = madd(a2, x, y); a3 = madd(a3, x, y);
      a4 = madd(a4, x, y); a5 = madd(a5, x, y); a6 = madd(a6, x, y); a7 = madd(a7, x, y);
      a8 = madd(a8, x, y); a9 = madd(a9, x, y); a10 = madd(a10, x, y); a11 = madd(a11, x, y);
    } else {
      a0 = f32x4.add(f32x4.mul(a0, x), y); a1 = f32x4.add(f32x4.mul(a1, x), y);
      a2 = f32x4.add(f32x4.mul(a2, x), y); a3 = f32x4.add(f32x4.mul(a3, x), y);
      a4 = f32x4.add(f32x4.mul(a4, x), y); a5 = f32x4.add(f32x4.mul(a5, x), y);
      a6 = f32x4.add(f32x4.mul(a6, x), y); a7 = f32x4.add(f32x4.mul(a7, x), y);
      a8 = f32x4.add(f32x4.mul(a8, x), y); a9 = f32x4.add(f32x4.mul(a9, x), y);
      a10 = f32x4.add(f32x4.mul(a10, x), y); a11 = f32x4.add(f32x4.mul(a11, x), y);
    }
  }
  const sum = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(a4, a5)),
    f32x4.add(f32x4.add(f32x4.add(a6, a7), f32x4.add(a8, a9)), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(sum, 0);
}

/** 12 × `iterations` f32x4 multiplies and adds (96 flops per iteration). */
export function peak_mul_add_f32x4(iterations: i32, scale: f32): f32 {
  return peak(iterations, scale, false);
}

/** 12 × `iterations` of the kernels' madd (relaxed_madd in the relaxed build). */
export function peak_madd_f32x4(iterations: i32, scale: f32): f32 {
  return peak(iterations, scale, true);
}
