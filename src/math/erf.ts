/**
 * The error function and its relatives in float64, and the PER function
 * f(t) = E|t − Z| of MATH.md section 1.
 *
 * Method: the rational Chebyshev approximations of W. J. Cody, "Rational
 * Chebyshev approximations for the error function", Math. Comp. 23 (1969)
 * 631–637, with the coefficients of his double-precision routine CALERF
 * (SPECFUN, netlib):
 *
 * - |x| ≤ 0.46875: erf(x) = x·N₁(x²)/D₁(x²), degree 4/4;
 * - 0.46875 < x ≤ 4: erfcx(x) = exp(x²)·erfc(x) = N₂(x)/D₂(x), degree 8/8;
 * - x > 4: erfcx(x) = (1/√π − z·N₃(z)/D₃(z))/x with z = 1/x², degree 5/5;
 *
 * and erfc(x) = exp(−x²)·erfcx(x) with exp(−x²) split as in Cody (see
 * `_exp_neg_square.ts`), so erfc keeps its relative accuracy in the whole
 * tail, down to x ≈ 26.55 where erfc becomes subnormal.
 *
 * Measured against mpmath at 40 digits (20 000 random points in [−27.3, 27.3]
 * and at every magnitude down to 5e−324, while developing; tests/erf_test.ts
 * keeps 188 of them): erf within 6.3e−16 relative, erfc within 7.8e−16
 * relative up to x = 26.5 (beyond, erfc is subnormal), erfcx within 6.4e−16,
 * perF within 2.8e−16. Cody gives the approximation errors as below 1e−17;
 * what is left is float64 rounding.
 *
 * Speed (Deno 2.9, V8, x86-64, 10⁷ calls on N(0, 1) samples in random order):
 * erf, perF and perFPrime about 20 ns per call (13 ns on sorted input, where
 * the branches predict; Math.exp alone takes 7 ns), erfc 33 ns (it needs two
 * exponentials).
 *
 * @module
 */

import { expNegSquare } from "./_exp_neg_square.ts";

/** 1/√π. */
const INV_SQRT_PI = 0.5641895835477562869480794515607725858440;
/** √(2/π) = f(0). */
const SQRT_2_OVER_PI = 0.7978845608028653558798921198687637369517;

/** Where Cody's first interval ends. */
const SMALL = 0.46875;
/** Where his second interval ends. */
const MIDDLE = 4;
/** erfc(x) < 2⁻⁵⁴ for x ≥ 5.92, so erf(x) rounds to 1 beyond here. */
const ERF_SATURATES = 6;
/** erfc(x) < 2⁻¹⁰⁷⁵ (rounds to 0) for x ≥ 27.3. */
const ERFC_UNDERFLOWS = 27.3;
/** 2·exp(x²) > 1.8e308 (overflows) for x > 26.63. */
const ERFCX_OVERFLOWS = 27;
/** f(t) − |t| < 2⁻⁵³·|t| for |t| ≥ 8.3, so f(t) rounds to |t| beyond here. */
const PER_F_SATURATES = 9;

/**
 * erf(x)/x = N₁(z)/D₁(z), z = x², on |x| ≤ 0.46875 (Cody's coefficients
 * a and b of CALERF, here lowest power first).
 */
function erfSmallRatio(z: number): number {
  const n = 3209.37758913846947 +
    z * (377.485237685302021 +
        z * (113.864154151050156 + z * (3.16112374387056560 + z * 0.185777706184603153)));
  const d = 2844.23683343917062 +
    z * (1282.61652607737228 +
        z * (244.024637934444173 + z * (23.6012909523441209 + z)));
  return n / d;
}

/**
 * erfcx(y) for y > 0.46875: Cody's second (coefficients c and d) and third
 * (p and q) intervals, lowest power first.
 */
function erfcxPositive(y: number): number {
  if (y <= MIDDLE) {
    const n = 1230.33935479799725 +
      y * (2051.07837782607147 +
          y * (1712.04761263407058 +
              y * (881.952221241769090 +
                  y * (298.635138197400131 +
                      y * (66.1191906371416295 +
                          y * (8.88314979438837594 +
                              y * (0.564188496988670089 + y * 2.15311535474403846e-8)))))));
    const d = 1230.33935480374942 +
      y * (3439.36767414372164 +
          y * (4362.61909014324716 +
              y * (3290.79923573345963 +
                  y * (1621.38957456669019 +
                      y * (537.181101862009858 +
                          y * (117.693950891312499 + y * (15.7449261107098347 + y)))))));
    return n / d;
  }
  // For y > 1.3e154, y·y is Infinity and z = 0: then erfcx(y) = 1/(√π·y),
  // correct to the last bit since the next term is −1/(2√π·y³).
  const z = 1 / (y * y);
  const n = 6.58749161529837803e-4 +
    z * (0.0160837851487422766 +
        z * (0.125781726111229246 +
            z * (0.360344899949804439 + z * (0.305326634961232344 + z * 0.0163153871373020978))));
  const d = 2.33520497626869185e-3 +
    z * (0.0605183413124413191 +
        z * (0.527905102951428412 +
            z * (1.87295284992346047 + z * (2.56852019228982242 + z))));
  return (INV_SQRT_PI - z * n / d) / y;
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ exp(−u²) du, to about 1 ulp.
 *
 * @param x Any number.
 * @returns erf(x) in [−1, 1]: erf(±0) = ±0, erf(±Infinity) = ±1, erf(NaN) = NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { erf } from "./erf.ts";
 * assert.ok(Math.abs(erf(1) / 0.8427007929497149 - 1) < 1e-15);
 * ```
 */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return x * erfSmallRatio(x * x);
  if (y >= ERF_SATURATES) return x > 0 ? 1 : -1;
  // erfc(y) ≤ 0.51 here, so 1 − erfc(y) loses nothing. Rounding y² before
  // the exponential costs erfc(y) a relative error up to y²·2⁻⁵³, but as an
  // absolute error that is below 0.16·2⁻⁵³ (the maximum of y²·erfc(y)), far
  // under half an ulp of erf(y) ≥ 0.49: one exponential suffices here, where
  // erfc needs two. NaN falls through and stays NaN.
  const c = Math.exp(-y * y) * erfcxPositive(y);
  return ((0.5 - c) + 0.5) * Math.sign(x);
}

/**
 * The complementary error function erfc(x) = 1 − erf(x), with its relative
 * accuracy kept in the upper tail (about 1e−15 while erfc(x) is a normal
 * number, that is up to x ≈ 26.55; subnormal results, up to x ≈ 27.3, carry
 * the absolute error of subnormal numbers).
 *
 * @param x Any number.
 * @returns erfc(x) in [0, 2]: erfc(−Infinity) = 2, erfc(Infinity) = 0,
 * erfc(NaN) = NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { erfc } from "./erf.ts";
 * assert.ok(Math.abs(erfc(10) / 2.088487583762545e-45 - 1) < 1e-15);
 * ```
 */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return 1 - x * erfSmallRatio(x * x);
  if (x > 0) {
    if (x >= ERFC_UNDERFLOWS) return 0;
    return expNegSquare(x) * erfcxPositive(x);
  }
  if (y >= ERF_SATURATES) return 2;
  // NaN reaches here (every comparison above is false) and stays NaN.
  return 2 - expNegSquare(y) * erfcxPositive(y);
}

/**
 * The scaled complementary error function erfcx(x) = exp(x²)·erfc(x), which
 * behaves like 1/(x·√π) for large x and so never underflows there. Accurate
 * to about 1e−15 relative for x ≥ 0; for negative x it grows like
 * 2·exp(x²) and overflows to Infinity below x ≈ −26.6.
 *
 * @param x Any number.
 * @returns erfcx(x) > 0: erfcx(0) = 1, erfcx(Infinity) = 0,
 * erfcx(−Infinity) = Infinity, erfcx(NaN) = NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { erfcx } from "./erf.ts";
 * assert.ok(Math.abs(erfcx(100) / 0.005641613782989433 - 1) < 1e-15);
 * ```
 */
export function erfcx(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return Math.exp(x * x) * (1 - x * erfSmallRatio(x * x));
  if (x > 0) return erfcxPositive(x);
  // erfc(−y) = 2 − erfc(y), so erfcx(−y) = 2·exp(y²) − erfcx(y), with exp(y²)
  // split like exp(−y²) in `_exp_neg_square.ts`; 2·exp(y²) overflows past 26.63.
  if (y > ERFCX_OVERFLOWS) return Infinity;
  const h = Math.trunc(y * 16) / 16;
  return 2 * Math.exp(h * h) * Math.exp((y - h) * (y + h)) - erfcxPositive(y);
}

/**
 * The PER function f(t) = E|t − Z| = t·erf(t/√2) + √(2/π)·exp(−t²/2)
 * (MATH.md section 1), accurate to a few ulp for every number: no overflow
 * or NaN for a finite t, and f(t) = |t| once |t| ≥ 9, where the difference
 * is below half an ulp of |t|.
 *
 * Above |t| = 0.663 the two terms share one exponential: with u = |t|/√2,
 * erf(u) = 1 − exp(−u²)·erfcx(u), so f(t) = |t| + exp(−t²/2)·(√(2/π) −
 * |t|·erfcx(u)); the bracket is positive and of order exp(−t²/2)/t², below
 * the rounding of |t|.
 *
 * @param t Any number.
 * @returns f(t) ≥ max(|t|, √(2/π)); f(±Infinity) = Infinity, f(NaN) = NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perF } from "./erf.ts";
 * assert.ok(Math.abs(perF(0) - Math.sqrt(2 / Math.PI)) < 1e-16);
 * assert.ok(perF(-1e30) === 1e30);
 * ```
 */
export function perF(t: number): number {
  const a = Math.abs(t);
  if (a >= PER_F_SATURATES) return a;
  const u = a * Math.SQRT1_2;
  // exp(−a²/2) rounds a² first; its relative error, at most 41 ulp at a = 9,
  // multiplies a term below 1e−17·|t| there and costs nothing visible.
  const e = Math.exp(-0.5 * a * a);
  if (u <= SMALL) return a * u * erfSmallRatio(u * u) + SQRT_2_OVER_PI * e;
  // NaN reaches here and stays NaN.
  return a + e * (SQRT_2_OVER_PI - a * erfcxPositive(u));
}

/**
 * The derivative of the PER function, f′(t) = erf(t/√2) (MATH.md section 2).
 *
 * @param t Any number.
 * @returns erf(t/√2) in [−1, 1]; ±1 for |t| ≥ 8.5, NaN for NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perFPrime } from "./erf.ts";
 * assert.ok(Math.abs(perFPrime(1) / 0.6826894921370859 - 1) < 1e-15);
 * ```
 */
export function perFPrime(t: number): number {
  return erf(t * Math.SQRT1_2);
}
