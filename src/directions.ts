/**
 * The projection directions θ_1 … θ_s on the unit sphere S^{d−1}: a pure function of
 * (seed, d, s, sampler), or the caller's own directions, normalized.
 *
 * The generator (MATH.md §5), exactly:
 * - key = (seed mod 2^32, ⌊seed / 2^32⌋), seed an integer in [0, 2^53);
 * - component pair q (components 2q and 2q + 1) of the raw Gaussian vector of direction k
 *   comes from one Philox4x32-10 block with counter (q, k, d, 0), words x0 … x3;
 * - two uniforms with 53 random bits, U = (⌊x0/32⌋·2^26 + ⌊x1/64⌋)/2^53 and V likewise
 *   from x2, x3; Box–Muller in float64: ρ = √(−2 ln(1 − U)), g_2q = ρ cos 2πV,
 *   g_2q+1 = ρ sin 2πV (the second dropped when d is odd);
 * - `gaussian`: θ_k = g_k/‖g_k‖ in float64, rounded once to float32;
 * - `orthogonal`: directions in blocks of m = min(d, remaining) columns; the block's d × m
 *   matrix has the raw vectors g_k as columns, its thin QR factorization by Householder
 *   reflections in float64 gives Q, each column times the sign of R's diagonal entry
 *   (Mezzadri, "How to generate random matrices from the classical compact groups",
 *   Notices AMS 2007), so each block is a uniformly random set of orthonormal directions.
 *   The first direction of every block is the `gaussian` sampler's direction.
 * Directions of index k do not depend on s: asking for more directions extends the list.
 * ln, cos and sin are the host's Math functions (V8 and SpiderMonkey use fdlibm ports);
 * another engine could differ in the last bit of a float64, which rounding to float32
 * almost always hides.
 *
 * @module
 */

import { describeValue } from "./describe.ts";
import { philox4x32 } from "./philox.ts";

/** How random directions are drawn. */
export type Sampler = "gaussian" | "orthogonal";

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_32 = 4294967296;

/**
 * The raw standard normal vector g_k of direction k (before normalization), in float64.
 */
function rawGaussian(seed: number, d: number, k: number, out: Float64Array, offset = 0): void {
  const key0 = seed % TWO_POW_32;
  const key1 = Math.floor(seed / TWO_POW_32);
  const words = new Uint32Array(4);
  for (let q = 0; 2 * q < d; q++) {
    philox4x32(q, k, d, 0, key0, key1, words);
    const u = ((words[0] >>> 5) * TWO_POW_26 + (words[1] >>> 6)) / TWO_POW_53;
    const v = ((words[2] >>> 5) * TWO_POW_26 + (words[3] >>> 6)) / TWO_POW_53;
    const radius = Math.sqrt(-2 * Math.log(1 - u));
    const angle = 2 * Math.PI * v;
    out[offset + 2 * q] = radius * Math.cos(angle);
    if (2 * q + 1 < d) out[offset + 2 * q + 1] = radius * Math.sin(angle);
  }
}

/**
 * The most direction values (s·d) a call may ask for: the kernels keep two packed copies
 * of the s×d float32 directions in WebAssembly memory, which ends at 4 GiB.
 */
export const MAX_DIRECTION_VALUES = 2 ** 27;

/** Throws when s·d is beyond MAX_DIRECTION_VALUES, before anything is allocated. */
export function checkDirectionValues(s: number, d: number): void {
  if (s * d > MAX_DIRECTION_VALUES) {
    throw new RangeError(
      `projections × dimension is ${s} × ${d} = ${s * d}, more than the ` +
        `${MAX_DIRECTION_VALUES} direction values the kernels can hold (2^27)`,
    );
  }
}

/** Checks a seed: an integer in [0, 2^53). */
export function checkSeed(seed: number): number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(
      `seed must be an integer from 0 to 2^53 - 1, got ${describeValue(seed)}`,
    );
  }
  return seed;
}

/**
 * The directions for (seed, d, s, sampler): s unit vectors of d float32 values, row-major.
 *
 * @param d dimension (units per sample), a positive integer
 * @param s number of directions, a positive integer
 * @param seed an integer in [0, 2^53); the default is 0
 * @param sampler `gaussian` (independent directions) or `orthogonal` (orthonormal blocks)
 * @returns s×d float32 values, one direction per row
 * @throws {RangeError} for a bad d, s or seed
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { directions } from "./directions.ts";
 * const theta = directions(3, 2, 42);
 * const norm = Math.hypot(theta[0], theta[1], theta[2]);
 * assert.ok(Math.abs(norm - 1) < 1e-6);
 * ```
 */
export function directions(
  d: number,
  s: number,
  seed = 0,
  sampler: Sampler = "gaussian",
): Float32Array {
  if (!Number.isSafeInteger(d) || d < 1) {
    throw new RangeError(`dimension must be a positive integer, got ${describeValue(d)}`);
  }
  if (!Number.isSafeInteger(s) || s < 1) {
    throw new RangeError(`projections must be a positive integer, got ${describeValue(s)}`);
  }
  checkDirectionValues(s, d);
  checkSeed(seed);
  if (sampler !== "gaussian" && sampler !== "orthogonal") {
    throw new RangeError(`sampler must be "gaussian" or "orthogonal", got ${String(sampler)}`);
  }
  const theta = new Float32Array(s * d);
  if (sampler === "gaussian") {
    const g = new Float64Array(d);
    for (let k = 0; k < s; k++) {
      rawGaussian(seed, d, k, g);
      writeUnit(g, 0, d, theta, k * d);
    }
    return theta;
  }
  for (let first = 0; first < s; first += d) {
    const m = Math.min(d, s - first);
    const q = orthonormalBlock(seed, d, first, m);
    for (let c = 0; c < m; c++) writeUnit(q, c * d, d, theta, (first + c) * d);
  }
  return theta;
}

/** Writes v[offset .. offset+d) / ‖v‖ (float64) into target as float32. */
function writeUnit(
  v: Float64Array,
  offset: number,
  d: number,
  target: Float32Array,
  at: number,
): void {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += v[offset + j] * v[offset + j];
  // A zero raw vector needs every Box–Muller radius to be 0 (probability 2^-53 per pair):
  // fall back to the first axis rather than divide by zero.
  if (sum === 0) {
    target[at] = 1;
    return;
  }
  const inverse = 1 / Math.sqrt(sum);
  for (let j = 0; j < d; j++) target[at + j] = v[offset + j] * inverse;
}

/**
 * Q of the thin QR factorization of the d × m matrix whose columns are the raw vectors of
 * directions first … first+m−1, each column signed by R's diagonal; column-major.
 */
function orthonormalBlock(seed: number, d: number, first: number, m: number): Float64Array {
  // a: column-major d × m, overwritten by the Householder vectors below the diagonal.
  const a = new Float64Array(d * m);
  for (let c = 0; c < m; c++) rawGaussian(seed, d, first + c, a, c * d);
  const beta = new Float64Array(m);
  const diagonalSign = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    const col = c * d;
    let norm2 = 0;
    for (let i = c; i < d; i++) norm2 += a[col + i] * a[col + i];
    const norm = Math.sqrt(norm2);
    const alpha = a[col + c] >= 0 ? -norm : norm; // R[c][c] = alpha
    diagonalSign[c] = alpha < 0 ? -1 : 1;
    // v = x − alpha·e_c, stored in place; H = I − beta·v·vᵀ.
    a[col + c] -= alpha;
    let v2 = 0;
    for (let i = c; i < d; i++) v2 += a[col + i] * a[col + i];
    beta[c] = v2 === 0 ? 0 : 2 / v2;
    for (let other = c + 1; other < m; other++) {
      const oc = other * d;
      let dot = 0;
      for (let i = c; i < d; i++) dot += a[col + i] * a[oc + i];
      const f = beta[c] * dot;
      for (let i = c; i < d; i++) a[oc + i] -= f * a[col + i];
    }
  }
  // Q = H_0 H_1 … H_{m−1} applied to the first m columns of the identity.
  const q = new Float64Array(d * m);
  for (let c = 0; c < m; c++) q[c * d + c] = 1;
  for (let c = m - 1; c >= 0; c--) {
    const col = c * d;
    for (let target = 0; target < m; target++) {
      const tc = target * d;
      let dot = 0;
      for (let i = c; i < d; i++) dot += a[col + i] * q[tc + i];
      const f = beta[c] * dot;
      if (f !== 0) { for (let i = c; i < d; i++) q[tc + i] -= f * a[col + i]; }
    }
  }
  // Mezzadri: Q·diag(sign(R_cc)) makes the distribution uniform (Haar).
  for (let c = 0; c < m; c++) {
    if (diagonalSign[c] < 0) { for (let i = 0; i < d; i++) q[c * d + i] = -q[c * d + i]; }
  }
  return q;
}

/**
 * The caller's directions, s×d row-major, each row normalized in float64 and rounded to
 * float32.
 *
 * @param theta s·d values, one direction per row
 * @param d dimension of the activations
 * @returns the normalized directions (a new array)
 * @throws {RangeError} when the length is not a multiple of d, or a row is zero or holds a
 *   NaN or infinity
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeDirections } from "./directions.ts";
 * const theta = normalizeDirections(new Float32Array([3, 4]), 2);
 * assert.ok(Math.abs(theta[0] - 0.6) < 1e-7);
 * ```
 */
export function normalizeDirections(
  theta: ArrayLike<number>,
  d: number,
): Float32Array {
  if (theta.length === 0 || theta.length % d !== 0) {
    throw new RangeError(
      `theta has ${theta.length} values, not a positive multiple of the dimension ${d}`,
    );
  }
  const s = theta.length / d;
  const out = new Float32Array(theta.length);
  const row = new Float64Array(d);
  for (let k = 0; k < s; k++) {
    let largest = 0;
    for (let j = 0; j < d; j++) {
      const value = theta[k * d + j];
      if (typeof value !== "number") {
        throw new TypeError(
          `theta row ${k} holds ${describeValue(value)} at column ${j}, not a number`,
        );
      }
      if (!Number.isFinite(value)) {
        throw new RangeError(`theta row ${k} has the non-finite value ${value} at column ${j}`);
      }
      row[j] = value;
      largest = Math.max(largest, Math.abs(value));
    }
    if (largest === 0) {
      const shown = d <= 8 ? `[${Array.from(row).join(", ")}]` : `all ${d} values 0`;
      throw new RangeError(`theta row ${k} is zero (${shown}): a direction needs a length`);
    }
    // Scaled by its largest entry first, a row's squares neither overflow nor underflow.
    for (let j = 0; j < d; j++) row[j] /= largest;
    writeUnit(row, 0, d, out, k * d);
  }
  return out;
}
