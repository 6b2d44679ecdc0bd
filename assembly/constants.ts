// Constants of the f and erf evaluation, kept in linear memory.
//
// The SIMD kernels read each constant with `v128.load32_splat` inside their loops. An
// inline `f32x4.splat(constant)` would be folded by the optimizer into a `v128.const`
// that V8 rematerializes at every use, which was measured to cut throughput about 5×;
// a broadcast load from this table is one instruction.
//
// Polynomials: made by tools/fit_kernel_polynomials.ts (weighted Remez minimax in
// float64, then coefficients rounded to float32 one by one, refitting the rest). Their
// approximation errors, as that tool prints them:
//   exp(r) = 1 + r + r²·Q(r), |r| ≤ ln2/2: 3.9e-9 relative
//   erf(z) = z·P(z²), z < 0.75: 5.9e-8 relative (most of it the float32 rounding of 2/√π)
//   erfc(z) = exp(−z²)·R(1/(1 + p·z)), z ≥ 0.75: 3.3e-9 absolute
// The error of the whole float32 evaluation is measured by tools/measure_erf_error.ts and
// tests/erf_kernel_test.ts (see the bound quoted in erf_f32.ts).

/** Byte address of the table; index it with the offsets below (in bytes). */
export const CONSTANTS: usize = memory.data<f32>([
  0.707106781, // 0: 1/√2
  0.75, // 1: Z0, where erf switches from z·P(z²) to 1 − erfc
  86.0, // 2: largest z² passed to exp: keeps 2^n normal (n ≥ −124) and exp(−86) ≈ 4e−38
  -1.44269504, // 3: −log2(e)
  -0.693359375, // 4: −ln2, high part (11 bits: n·ln2_hi is exact for |n| < 2^13)
  2.12194440e-4, // 5: −ln2, low part (−(ln2 − ln2_hi)); Cody and Waite's split
  0.499999940, // 6: exp Q c0
  0.166665211, // 7: exp Q c1
  0.0416683890, // 8: exp Q c2
  0.00836871006, // 9: exp Q c3
  0.00138146128, // 10: exp Q c4
  1.12837923, // 11: erf P c0
  -0.376126200, // 12: erf P c1
  0.112833768, // 13: erf P c2
  -0.0268346258, // 14: erf P c3
  0.00511434581, // 15: erf P c4
  -0.000674951356, // 16: erf P c5
  0.629999995, // 17: p in τ = 1/(1 + p·z)
  -0.00501639862, // 18: erfc R c0
  0.408140391, // 19: erfc R c1
  0.133591518, // 20: erfc R c2
  0.743925810, // 21: erfc R c3
  -0.281317085, // 22: erfc R c4
  1.0, // 23: one
  0.797884561, // 24: √(2/π) = f(0)
  0.5, // 25: one half
  -0.0, // 26: the float32 sign bit, as a lane mask
]);

export const INV_SQRT2: usize = 0;
export const Z0: usize = 4;
export const Q_MAX: usize = 8;
export const NEG_LOG2E: usize = 12;
export const NEG_LN2_HI: usize = 16;
export const NEG_LN2_LO: usize = 20;
export const EXP_Q0: usize = 24;
export const EXP_Q1: usize = 28;
export const EXP_Q2: usize = 32;
export const EXP_Q3: usize = 36;
export const EXP_Q4: usize = 40;
export const ERF_P0: usize = 44;
export const ERF_P1: usize = 48;
export const ERF_P2: usize = 52;
export const ERF_P3: usize = 56;
export const ERF_P4: usize = 60;
export const ERF_P5: usize = 64;
export const ERFC_TAU_SCALE: usize = 68;
export const ERFC_R0: usize = 72;
export const ERFC_R1: usize = 76;
export const ERFC_R2: usize = 80;
export const ERFC_R3: usize = 84;
export const ERFC_R4: usize = 88;
export const ONE: usize = 92;
export const SQRT_2_OVER_PI: usize = 96;
export const HALF: usize = 100;
export const SIGN_BIT: usize = 104;
