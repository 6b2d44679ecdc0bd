/**
 * exp(−y²) and exp(−y²/2) without the error of rounding y² first.
 *
 * Computing `Math.exp(-y * y)` rounds y² to 53 bits, and that absolute error
 * of up to y²·2⁻⁵³ becomes a relative error of the same size in the result:
 * 8e−14 at y = 27, where erfc is still a normal number. Splitting y = h + l,
 * with h = y rounded down to a multiple of 1/16, makes h² exact (h has at most
 * 10 significant bits while y < 64) and leaves only the small product
 * l·(y + h) to round, so the result keeps a relative error of a few ulp. This
 * is the splitting of W. J. Cody (1969), used by his CALERF.
 *
 * @module
 */

/** From here on exp(−y²/2) and exp(−y²) are 0 in float64 (exp(−800) < 2⁻¹⁰⁷⁴). */
const UNDERFLOW = 40;

/**
 * exp(−y²) with a relative error of a few ulp while the result is a normal
 * number.
 *
 * @param y A number ≥ 0 (the sign is ignored).
 * @returns exp(−y²); 0 for y ≥ 40, NaN for NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expNegSquare } from "./_exp_neg_square.ts";
 * assert.ok(Math.abs(expNegSquare(2) - Math.exp(-4)) < 1e-18);
 * ```
 */
export function expNegSquare(y: number): number {
  const a = Math.abs(y);
  if (a >= UNDERFLOW) return 0;
  const h = Math.trunc(a * 16) / 16;
  return Math.exp(-h * h) * Math.exp(-(a - h) * (a + h));
}

/**
 * exp(−y²/2) with a relative error of a few ulp while the result is a
 * normal number.
 *
 * @param y A number (the sign is ignored).
 * @returns exp(−y²/2); 0 for |y| ≥ 40, NaN for NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expNegHalfSquare } from "./_exp_neg_square.ts";
 * assert.ok(Math.abs(expNegHalfSquare(2) - Math.exp(-2)) < 1e-17);
 * ```
 */
export function expNegHalfSquare(y: number): number {
  const a = Math.abs(y);
  if (a >= UNDERFLOW) return 0;
  const h = Math.trunc(a * 16) / 16;
  // h² is exact and so is its half; only (a − h)(a + h)/2 rounds.
  return Math.exp(-0.5 * h * h) * Math.exp(-0.5 * (a - h) * (a + h));
}
