/**
 * Exact mode (MATH.md section 3): the expectation of the PER function over
 * all directions, g_d(r) = E_θ f(θ·h) with r = ‖h‖ and θ uniform on S^{d−1},
 *
 *     g_d(r)    = √(2/π) · M(−1/2, d/2, −r²/2)
 *     g_d′(r)/r = √(2/π)/d · M(1/2, d/2 + 1, −r²/2)
 *
 * where M is Kummer's confluent hypergeometric function. The direct
 * evaluation (48-node Gauss–Legendre quadratures: about 8 µs for g_d, 4 µs
 * for g_d′/r) fills, once per d, a table of piecewise polynomials whose
 * evaluation costs a division, a square root and a 9-term Horner sum per
 * sample (about 15 ns in plain TypeScript).
 *
 * @module
 */

import { erf, perF } from "./erf.ts";
import { gaussLegendre } from "./gauss_legendre.ts";

/** √(2/π). */
const SQRT_2_OVER_PI = 0.7978845608028653558798921198687637369517;
/** √π. */
const SQRT_PI = 1.7724538509055160272981674833411451827975;
/** 1/√π. */
const INV_SQRT_PI = 0.5641895835477562869480794515607725858440;

// ---------------------------------------------------------------------------
// Γ(c)/Γ(c − 1/2)
// ---------------------------------------------------------------------------

/**
 * Coefficients s_j of log(Γ(y + 3/4)/Γ(y + 1/4)) = (1/2)·log y + Σ s_j/y^{2j}.
 * From the expansion of log Γ(y + a) in Bernoulli polynomials (DLMF 5.11.8):
 * the difference for a = 3/4 and a = 1/4 keeps only the odd terms, since
 * B_k(3/4) = (−1)^k·B_k(1/4) (DLMF 24.4.3), and s_j = 2·B_{2j+1}(1/4)/((2j)(2j + 1))
 * (computed exactly in rationals: 1/64, −5/2048, 61/49152, −1385/1048576,
 * 50521/20971520, −2702765/402653184). With six terms and y ≥ 11.25 the
 * truncation error is below 5e−17, measured against mpmath.
 */
const GAMMA_RATIO_SERIES = [
  1 / 64,
  -5 / 2048,
  61 / 49152,
  -1385 / 1048576,
  50521 / 20971520,
  -2702765 / 402653184,
];
/** The series is used from c = 12 on; below, the recurrence climbs to it. */
const GAMMA_RATIO_SERIES_FROM = 12;

/**
 * The ratio Γ(c)/Γ(c − 1/2), accurate to about 1e−15 relative for every
 * c ≥ 1/2 (at most 6.7e−16 against mpmath at 420 values of c from 1/2 to
 * 10¹⁵).
 *
 * A difference of log-gamma values would lose digits for large c; instead,
 * for c ≥ 12 the asymptotic series in y = c − 3/4,
 * Γ(c)/Γ(c − 1/2) = √y · exp(1/(64y²) − 5/(2048y⁴) + …), and below 12 the
 * recurrence Γ(c)/Γ(c − 1/2) = (c − 1/2)/c · Γ(c + 1)/Γ(c + 1/2), at most 12
 * steps of two roundings each.
 *
 * @param c A number ≥ 1/2 (for c = 1/2 the ratio is 0, as 1/Γ(0) = 0).
 * @returns Γ(c)/Γ(c − 1/2), about √(c − 3/4) for large c.
 * @throws {RangeError} If c is not a finite number ≥ 1/2.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gammaRatioHalf } from "./exact.ts";
 * // Γ(1)/Γ(1/2) = 1/√π
 * assert.ok(Math.abs(gammaRatioHalf(1) * Math.sqrt(Math.PI) - 1) < 1e-15);
 * ```
 */
export function gammaRatioHalf(c: number): number {
  if (!(c >= 0.5 && c < Infinity)) {
    throw new RangeError(`gammaRatioHalf needs a finite c ≥ 1/2, got ${c}`);
  }
  return gammaRatioHalfUnchecked(c);
}

function gammaRatioHalfUnchecked(c: number): number {
  let factor = 1;
  let top = c;
  while (top < GAMMA_RATIO_SERIES_FROM) {
    factor *= (top - 0.5) / top;
    top += 1;
  }
  const y = top - 0.75;
  const w = 1 / (y * y);
  let sum = 0;
  for (let j = GAMMA_RATIO_SERIES.length - 1; j >= 0; j--) sum = (sum + GAMMA_RATIO_SERIES[j]) * w;
  return factor * Math.sqrt(y) * Math.exp(sum);
}

// ---------------------------------------------------------------------------
// M(1/2, c, −x)
// ---------------------------------------------------------------------------

/** The 48-node Gauss–Legendre rule on [−1, 1], computed at module load. */
const RULE = gaussLegendre(48);
/** The integrand is below exp(−144) of its peak beyond ϑ = 12/√(x + c). */
const CUTOFF = 12;
/** x + c below which the cut-off reaches π/2 and the whole range is used. */
const WHOLE_RANGE = (CUTOFF / (Math.PI / 2)) ** 2;

/**
 * Kummer's function M(1/2, c, −x) for c > 1/2 and x ≥ 0, to about 3e−15
 * relative (at most 2.6e−15 against mpmath for c from 0.6 to 5·10⁵ and x
 * from 0 to 10³⁰, tests/exact_test.ts). MATH.md section 3 reports 3e−11 for
 * the same quadrature; that figure includes a Γ ratio taken from log-gamma
 * differences, which `gammaRatioHalf` avoids.
 *
 * Method (MATH.md section 3): the integral representation (DLMF 13.4.1 with
 * t = sin²ϑ)
 *
 *     M(1/2, c, −x) = 2Γ(c)/(√π·Γ(c − 1/2)) · ∫₀^{π/2} exp(−x·sin²ϑ)·cos^{2c−2}ϑ dϑ
 *
 * whose integrand is positive and smooth, bell-shaped with width about
 * 1/√(x + c) and below exp(−144) of its peak beyond ϑ = 12/√(x + c), so
 * 48-node Gauss–Legendre on [0, min(π/2, 12/√(x + c))] converges to full
 * precision. The integrand is evaluated as one exponential of
 * −x·sin²ϑ + (c − 1)·log(cos²ϑ), with log(cos²ϑ) = log1p(−sin²ϑ) below π/4
 * and 2·log(cos ϑ) above: both keep a relative error of a few ulp, so the
 * exponent (at most about 144 where it matters) keeps an absolute error near
 * 1e−14 even for c = 10⁶, where log(cos ϑ) computed from a rounded cos ϑ
 * would be off by (c − 1)·2⁻⁵³ ≈ 1e−10.
 *
 * When the range is all of [0, π/2] and 2c is not an integer, cos^{2c−2}ϑ
 * has a branch point at π/2 that Gauss–Legendre resolves badly; there
 * (x + c ≤ 58.4) the Kummer transformation M(1/2, c, −x) = e^{−x}·M(c − 1/2, c, x)
 * (DLMF 13.2.39) gives a series of positive terms instead.
 *
 * @param c The second parameter, c > 1/2.
 * @param x The (negated) argument, x ≥ 0.
 * @returns M(1/2, c, −x) in (0, 1]; 1 at x = 0, about Γ(c)/(Γ(c − 1/2)·√x)
 * for large x.
 * @throws {RangeError} If c is not a finite number > 1/2, or x is not a finite
 * number ≥ 0.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kummerHalf } from "./exact.ts";
 * // M(1/2, 3/2, −x) = √π·erf(√x)/(2√x); at x = 1 that is 0.746824132812427
 * assert.ok(Math.abs(kummerHalf(1.5, 1) - 0.746824132812427) < 1e-13);
 * ```
 */
export function kummerHalf(c: number, x: number): number {
  if (!(c > 0.5 && c < Infinity)) {
    throw new RangeError(`kummerHalf needs a finite c > 1/2, got ${c}`);
  }
  if (!(x >= 0 && x < Infinity)) {
    throw new RangeError(`kummerHalf needs a finite x ≥ 0, got ${x}`);
  }
  if (x + c <= WHOLE_RANGE && !Number.isInteger(2 * c)) return kummerHalfSeries(c, x);
  return kummerHalfQuadrature(c, x);
}

/** The quadrature of `kummerHalf`, for c ≥ 1 with 2c an integer, or x + c > 58.4. */
function kummerHalfQuadrature(c: number, x: number): number {
  const end = Math.min(Math.PI / 2, CUTOFF / Math.sqrt(x + c));
  const half = 0.5 * end;
  const nodes = RULE.nodes;
  const weights = RULE.weights;
  const power = c - 1;
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) {
    const angle = half * (1 + nodes[i]);
    const sine = Math.sin(angle);
    const s = sine * sine;
    let exponent = -x * s;
    if (power !== 0) {
      const logCos2 = angle < Math.PI / 4 ? Math.log1p(-s) : 2 * Math.log(Math.cos(angle));
      exponent += power * logCos2;
    }
    sum += weights[i] * Math.exp(exponent);
  }
  return 2 * gammaRatioHalfUnchecked(c) * INV_SQRT_PI * half * sum;
}

/**
 * e^{−x}·Σ_k (c − 1/2)_k/(c)_k · x^k/k!, all terms positive; for x ≤ 58.4 the
 * terms fall below 1e−17 of the sum within 200 of them.
 */
function kummerHalfSeries(c: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1000; k++) {
    term *= (c - 0.5 + k) / (c + k) * x / (k + 1);
    sum += term;
    if (k > x && term < 1e-17 * sum) break;
  }
  return Math.exp(-x) * sum;
}

// ---------------------------------------------------------------------------
// g_d and g_d′/r, directly
// ---------------------------------------------------------------------------

/**
 * Beyond x = r²/2 > 10¹⁷·b the first correction to the large-x asymptotic
 * form (relative size (b − 1/2)/(2x), DLMF §13.7(i)) is below 5e−18, and only
 * the leading term is kept. This also covers r² overflowing to Infinity.
 */
const ASYMPTOTIC_FROM = 1e17;

/**
 * M(−1/2, b, −x) for b = d/2, given above = M(1/2, b + 1, −x): f itself for
 * d = 1, else the contiguous relation DLMF 13.3.4 (with a = 1/2),
 * M(−1/2, b, −x) = M(1/2, b, −x) + (x/b)·M(1/2, b + 1, −x), two positive terms.
 */
function kummerMinusHalf(d: number, x: number, above: number): number {
  if (d === 1) return perF(Math.sqrt(2 * x)) / SQRT_2_OVER_PI;
  const b = 0.5 * d;
  return kummerHalfQuadrature(b, x) + (x / b) * above;
}

/** M(1/2, b + 1, −x) for b = d/2: √π·erf(√x)/(2√x) for d = 1. */
function kummerHalfAbove(d: number, x: number): number {
  if (d === 1) {
    // erf(u)/u → 2/√π as u → 0; below u = 1e−150, u² is lost in rounding anyway.
    const u = Math.sqrt(x);
    return u < 1e-150 ? 1 : SQRT_PI * erf(u) / (2 * u);
  }
  return kummerHalfQuadrature(0.5 * d + 1, x);
}

function checkDimension(name: string, d: number): void {
  if (!Number.isSafeInteger(d) || d < 1) {
    throw new RangeError(`${name} needs a positive integer dimension d, got ${d}`);
  }
}

function checkNorm(name: string, r: number): void {
  if (!(r >= 0 && r < Infinity)) {
    throw new RangeError(`${name} needs a finite norm r ≥ 0, got ${r}`);
  }
}

/**
 * The exact-mode loss of one sample, g_d(r) = E_θ f(θ·h) for ‖h‖ = r
 * (MATH.md section 3), by quadrature: about 3e−15 relative for every d and r
 * (at most 2.2e−15 on the grid of tests/exact_test.ts, d from 1 to 10⁶ and r
 * from 0 to 10¹⁹). Two quadratures of 48 nodes, about 8 µs; for many samples
 * use `exactTable` and `exactLoss`.
 *
 * @param d The dimension, a positive integer (up to 2⁵³ − 1).
 * @param r The norm ‖h‖, finite and ≥ 0.
 * @returns g_d(r): √(2/π) at r = 0, f(r) for d = 1, about r·Γ(d/2)/(√π·Γ((d + 1)/2))
 * for large r.
 * @throws {RangeError} If d is not a positive integer or r is not finite and ≥ 0.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactLossDirect } from "./exact.ts";
 * assert.ok(Math.abs(exactLossDirect(10, 0) - Math.sqrt(2 / Math.PI)) < 1e-15);
 * ```
 */
export function exactLossDirect(d: number, r: number): number {
  checkDimension("exactLossDirect", d);
  checkNorm("exactLossDirect", r);
  if (d === 1) return perF(r);
  const b = 0.5 * d;
  const x = 0.5 * r * r;
  if (x > ASYMPTOTIC_FROM * b) {
    // √(2/π)·Γ(b)/Γ(b + 1/2)·√x = r/(√π·Γ(b + 1/2)/Γ(b)).
    return r * INV_SQRT_PI / gammaRatioHalfUnchecked(b + 0.5);
  }
  return SQRT_2_OVER_PI * kummerMinusHalf(d, x, kummerHalfAbove(d, x));
}

/**
 * The exact-mode gradient factor of one sample, g_d′(r)/r, by quadrature:
 * ∂L/∂h = c′ · g_d′(‖h‖)/‖h‖ · h (MATH.md section 3). Finite at r = 0, where
 * it is √(2/π)/d. About 3e−15 relative for every d and r (at most 2.2e−15
 * on the grid of tests/exact_test.ts); one quadrature, about 4 µs.
 *
 * @param d The dimension, a positive integer (up to 2⁵³ − 1).
 * @param r The norm ‖h‖, finite and ≥ 0.
 * @returns √(2/π)/d · M(1/2, d/2 + 1, −r²/2) > 0; erf(r/√2)/r for d = 1.
 * @throws {RangeError} If d is not a positive integer or r is not finite and ≥ 0.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactGradScaleDirect } from "./exact.ts";
 * assert.ok(Math.abs(exactGradScaleDirect(4, 0) - Math.sqrt(2 / Math.PI) / 4) < 1e-15);
 * ```
 */
export function exactGradScaleDirect(d: number, r: number): number {
  checkDimension("exactGradScaleDirect", d);
  checkNorm("exactGradScaleDirect", r);
  const b = 0.5 * d;
  const x = 0.5 * r * r;
  if (x > ASYMPTOTIC_FROM * b) {
    // √(2/π)/d · Γ(b + 1)/Γ(b + 1/2) / √x, with √x = r/√2.
    return 2 * INV_SQRT_PI * gammaRatioHalfUnchecked(b + 1) / (d * r);
  }
  return SQRT_2_OVER_PI / d * kummerHalfAbove(d, x);
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

/**
 * Piecewise polynomials for g_d and g_d′/r in t = x/(x + d/2), x = r²/2.
 *
 * The tables hold F_loss(t) = M(−1/2, b, −x)/√(1 + κ_loss·x) and
 * F_grad(t) = M(1/2, b + 1, −x)·√(1 + κ_grad·x) with b = d/2: the square roots
 * carry the growth (M(−1/2, b, −x) ~ √(κ_loss·x) and M(1/2, b + 1, −x) ~
 * 1/√(κ_grad·x) for large x, DLMF §13.7(i)), so both F are 1 at t = 0 and at
 * t = 1 and vary little in between, for every d. This format is read as is
 * by the WebAssembly kernel; change both together.
 */
export interface ExactTable {
  /** The dimension d. */
  d: number;
  /** b = d/2. */
  b: number;
  /** P, the number of uniform pieces of t in [0, 1]. */
  pieces: number;
  /** D, the polynomial degree of each piece. */
  degree: number;
  /** κ_loss = (Γ(b)/Γ(b + 1/2))². */
  kappaLoss: number;
  /** κ_grad = (Γ(b + 1/2)/Γ(b + 1))². */
  kappaGrad: number;
  /**
   * P·(D + 1) coefficients of F_loss, piece-major, lowest power first, in
   * v = 2·(t·P − j) − 1 ∈ [−1, 1] on piece j.
   */
  loss: Float64Array;
  /** The same for F_grad. */
  grad: Float64Array;
}

/** P of the tables `exactTable` builds: 64 uniform pieces of t. */
const TABLE_PIECES = 64;
/** D of the tables `exactTable` builds: degree 8 (9 coefficients) per piece. */
const TABLE_DEGREE = 8;
/**
 * The build-time self-check refines a table until F_loss and F_grad at every
 * piece end are within this of the quadrature. P = 64, D = 8 passes it for
 * every d tried (worst 2.7e−13, at d = 1 near t = 0.97; d from 1 to 2⁵³ − 1),
 * so the refinement is a safeguard, not the usual path.
 */
const TABLE_TOLERANCE = 1e-11;
/** The refinement stops here. */
const MAX_PIECES = 4096;

/** The cached tables of `exactTable`, by d. */
const TABLES = new Map<number, ExactTable>();

/**
 * The exact-mode table for dimension d (P = 64 pieces of degree D = 8),
 * built on first use and cached, by d, for the life of the module (9 KiB
 * each). Building costs P·(D + 1) points of two 48-node quadratures each
 * (M(1/2, b, −x) and M(1/2, b + 1, −x)), and P more points for the
 * self-check: about 5 ms whatever d (Deno 2.9, x86-64; 11 ms for the first
 * table, before the JIT has warmed up).
 *
 * Accuracy, measured against the direct quadrature (itself within 2.2e−15 of
 * mpmath) at 20 000 values of t per d, for d from 1 to 2⁵³ − 1 and r from
 * 1e−15 to 1e150: `exactLoss` within 3e−13 relative of g_d(r) and
 * `exactGradScale` within 3e−13 of g_d′(r)/r.
 *
 * @param d The dimension, a positive integer (up to 2⁵³ − 1).
 * @returns The table; the same object on every call with the same d.
 * @throws {RangeError} If d is not a positive integer.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactLoss, exactTable } from "./exact.ts";
 * const table = exactTable(3);
 * assert.ok(table === exactTable(3));
 * assert.ok(Math.abs(exactLoss(table, 0) - Math.sqrt(2 / Math.PI)) < 1e-12);
 * ```
 */
export function exactTable(d: number): ExactTable {
  checkDimension("exactTable", d);
  let table = TABLES.get(d);
  if (table === undefined) {
    table = buildExactTable(d, TABLE_PIECES, TABLE_DEGREE);
    TABLES.set(d, table);
  }
  return table;
}

/**
 * Builds an exact-mode table of a chosen shape, uncached: `exactTable` is
 * this with P = 64 and D = 8. On each piece, F_loss and F_grad are
 * interpolated at the D + 1 Chebyshev nodes cos(π(k + 1/2)/(D + 1)) (error
 * within a factor 2 + (2/π)·log(D + 1) of the best polynomial, Trefethen,
 * Approximation Theory and Approximation Practice, ch. 15) and rewritten in
 * powers of v. Then every piece is checked at both ends against the
 * quadrature (and F = 1 at t = 1); while any is off by more than 1e−11
 * relative, P is doubled, up to 4096.
 *
 * @param d The dimension, a positive integer (up to 2⁵³ − 1).
 * @param pieces The initial P, an integer from 1 to 4096.
 * @param degree D, an integer from 0 to 16.
 * @returns A table meeting the self-check, with P ≥ pieces.
 * @throws {RangeError} If an argument is out of range, or if 4096 pieces of
 * this degree cannot meet the self-check.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildExactTable } from "./exact.ts";
 * const table = buildExactTable(5, 4, 8);
 * assert.ok(table.pieces > 4); // 4 pieces are too few; P was doubled
 * ```
 */
export function buildExactTable(d: number, pieces: number, degree: number): ExactTable {
  checkDimension("buildExactTable", d);
  if (!Number.isInteger(pieces) || pieces < 1 || pieces > MAX_PIECES) {
    throw new RangeError(`buildExactTable needs pieces from 1 to ${MAX_PIECES}, got ${pieces}`);
  }
  if (!Number.isInteger(degree) || degree < 0 || degree > 16) {
    throw new RangeError(`buildExactTable needs a degree from 0 to 16, got ${degree}`);
  }
  for (;;) {
    const table = fillTable(d, pieces, degree);
    const error = selfCheck(table);
    if (error <= TABLE_TOLERANCE) return table;
    if (pieces * 2 > MAX_PIECES) {
      throw new RangeError(
        `buildExactTable cannot reach ${TABLE_TOLERANCE} for d = ${d} with degree ${degree}` +
          ` (error ${error} at ${pieces} pieces)`,
      );
    }
    pieces *= 2;
  }
}

/** κ_loss and κ_grad of `ExactTable` for b = d/2. */
function kappas(b: number): [number, number] {
  const ratioLoss = gammaRatioHalfUnchecked(b + 0.5);
  const ratioGrad = gammaRatioHalfUnchecked(b + 1);
  return [1 / (ratioLoss * ratioLoss), 1 / (ratioGrad * ratioGrad)];
}

/** F_loss and F_grad at t, by quadrature (see `ExactTable`). */
function tableFunctions(table: ExactTable, t: number): [number, number] {
  if (t === 0) return [1, 1];
  const x = table.b * t / (1 - t);
  const above = kummerHalfAbove(table.d, x);
  return [
    kummerMinusHalf(table.d, x, above) / Math.sqrt(1 + table.kappaLoss * x),
    above * Math.sqrt(1 + table.kappaGrad * x),
  ];
}

function fillTable(d: number, pieces: number, degree: number): ExactTable {
  const b = 0.5 * d;
  const [kappaLoss, kappaGrad] = kappas(b);
  const m = degree + 1;
  const table: ExactTable = {
    d,
    b,
    pieces,
    degree,
    kappaLoss,
    kappaGrad,
    loss: new Float64Array(pieces * m),
    grad: new Float64Array(pieces * m),
  };
  const basis = chebyshevBasis(m);
  const valuesLoss = new Float64Array(m);
  const valuesGrad = new Float64Array(m);
  for (let j = 0; j < pieces; j++) {
    for (let k = 0; k < m; k++) {
      const v = Math.cos(Math.PI * (k + 0.5) / m);
      [valuesLoss[k], valuesGrad[k]] = tableFunctions(table, (j + 0.5 * (1 + v)) / pieces);
    }
    interpolate(valuesLoss, basis, table.loss, j * m);
    interpolate(valuesGrad, basis, table.grad, j * m);
  }
  return table;
}

/**
 * The largest relative error of F_loss and F_grad at the two ends of every
 * piece, where the interpolation error of Chebyshev nodes peaks.
 */
function selfCheck(table: ExactTable): number {
  const m = table.degree + 1;
  let worst = 0;
  const compare = (j: number, v: number, want: [number, number]) => {
    const fl = horner(table.loss, j * m, m, v);
    const fg = horner(table.grad, j * m, m, v);
    worst = Math.max(worst, Math.abs(fl / want[0] - 1), Math.abs(fg / want[1] - 1));
  };
  for (let j = 0; j < table.pieces; j++) {
    const want = tableFunctions(table, j / table.pieces);
    compare(j, -1, want);
    if (j > 0) compare(j - 1, 1, want);
  }
  compare(table.pieces - 1, 1, [1, 1]);
  return worst;
}

/**
 * The Lagrange basis of the m Chebyshev nodes v_k = cos(π(k + 1/2)/m) in
 * powers of v: basis[k][i] is the coefficient of v^i in the polynomial of
 * degree m − 1 that is 1 at v_k and 0 at the other nodes. The monomial
 * coefficients of an interpolant are then a matrix-vector product with its
 * values. Built from the Chebyshev form Σ_n a_n·T_n(v), where discrete
 * orthogonality gives a_n = (2/m)·Σ_k y_k·T_n(v_k) (a_0 halved), and the
 * monomial coefficients of T_n (at most 2^{m−2} = 128 for m = 9, so the
 * conversion costs about 1e−14 absolute, measured by the shapes of
 * `buildExactTable` with D = 10 reaching 5e−15 overall).
 */
function chebyshevBasis(m: number): Float64Array[] {
  // Monomial coefficients of T_0 … T_{m−1}, by T_{n+1} = 2v·T_n − T_{n−1}.
  const chebyshev: Float64Array[] = [];
  for (let n = 0; n < m; n++) {
    const row = new Float64Array(m);
    if (n === 0) row[0] = 1;
    else if (n === 1) row[1] = 1;
    else {
      for (let i = 0; i < m; i++) {
        row[i] = (i > 0 ? 2 * chebyshev[n - 1][i - 1] : 0) - chebyshev[n - 2][i];
      }
    }
    chebyshev.push(row);
  }
  // Row k: Σ_n (2/m)·T_n(v_k)·T_n(v) (first term halved), the interpolant of the k-th unit vector.
  const basis: Float64Array[] = [];
  for (let k = 0; k < m; k++) {
    const row = new Float64Array(m);
    for (let n = 0; n < m; n++) {
      const weight = (n === 0 ? 1 : 2) / m * Math.cos(Math.PI * n * (k + 0.5) / m);
      for (let i = 0; i < m; i++) row[i] += weight * chebyshev[n][i];
    }
    basis.push(row);
  }
  return basis;
}

/** out[offset + i] = Σ_k values[k]·basis[k][i]. */
function interpolate(
  values: Float64Array,
  basis: Float64Array[],
  out: Float64Array,
  offset: number,
): void {
  const m = values.length;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += values[k] * basis[k][i];
    out[offset + i] = s;
  }
}

/** Σ c[start + i]·v^i for i < m, by Horner's rule. */
function horner(c: Float64Array, start: number, m: number, v: number): number {
  let acc = c[start + m - 1];
  for (let i = start + m - 2; i >= start; i--) acc = acc * v + c[i];
  return acc;
}

/**
 * The exact-mode loss of one sample from its table, g_d(r) from r² = ‖h‖²
 * (MATH.md section 3): with x = r²/2 and t = x/(x + b), piece
 * j = min(P − 1, ⌊t·P⌋) and v = 2(t·P − j) − 1,
 * g_d(r) = √(2/π) · F_loss(v) · √(1 + κ_loss·x). About 25 floating-point
 * operations, one division and a square root: about 15 ns per call in plain
 * TypeScript (Deno 2.9, x86-64, 10⁷ calls on random norms). Within 3e−13
 * relative of g_d(r) (see `exactTable`).
 *
 * @param table `exactTable(d)`.
 * @param r2 The squared norm ‖h‖², ≥ 0 (Infinity gives Infinity).
 * @returns g_d(r) ≥ √(2/π).
 * @throws {RangeError} If r2 is negative or NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactLoss, exactTable } from "./exact.ts";
 * import { perF } from "./erf.ts";
 * // d = 1: the loss is f itself.
 * assert.ok(Math.abs(exactLoss(exactTable(1), 4) / perF(2) - 1) < 1e-12);
 * ```
 */
export function exactLoss(table: ExactTable, r2: number): number {
  if (!(r2 >= 0)) throw new RangeError(`exactLoss needs r2 ≥ 0, got ${r2}`);
  const x = 0.5 * r2;
  const t = x < Infinity ? x / (x + table.b) : 1;
  const pieces = table.pieces;
  const m = table.degree + 1;
  const s = t * pieces;
  // s is in [0, P]; t = 1 (x = Infinity, or x ≥ 2⁵³·b) belongs to the last piece.
  const j = s < pieces ? s | 0 : pieces - 1;
  const value = horner(table.loss, j * m, m, 2 * (s - j) - 1);
  return SQRT_2_OVER_PI * value * Math.sqrt(1 + table.kappaLoss * x);
}

/**
 * The exact-mode gradient factor of one sample from its table, g_d′(r)/r
 * from r² = ‖h‖², so that ∂L/∂h = c′ · exactGradScale(table, ‖h‖²) · h
 * (MATH.md section 3): g_d′(r)/r = √(2/π)/d · F_grad(v) / √(1 + κ_grad·x),
 * with x, t, j and v as in `exactLoss`. Finite at r = 0 (√(2/π)/d). Within
 * 3e−13 relative of g_d′(r)/r (see `exactTable`).
 *
 * @param table `exactTable(d)`.
 * @param r2 The squared norm ‖h‖², ≥ 0 (Infinity gives 0).
 * @returns g_d′(r)/r in (0, √(2/π)/d].
 * @throws {RangeError} If r2 is negative or NaN.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactGradScale, exactTable } from "./exact.ts";
 * const scale = exactGradScale(exactTable(8), 0);
 * assert.ok(Math.abs(scale / (Math.sqrt(2 / Math.PI) / 8) - 1) < 1e-12);
 * ```
 */
export function exactGradScale(table: ExactTable, r2: number): number {
  if (!(r2 >= 0)) throw new RangeError(`exactGradScale needs r2 ≥ 0, got ${r2}`);
  const x = 0.5 * r2;
  const t = x < Infinity ? x / (x + table.b) : 1;
  const pieces = table.pieces;
  const m = table.degree + 1;
  const s = t * pieces;
  // s is in [0, P]; t = 1 (x = Infinity, or x ≥ 2⁵³·b) belongs to the last piece.
  const j = s < pieces ? s | 0 : pieces - 1;
  const value = horner(table.grad, j * m, m, 2 * (s - j) - 1);
  return SQRT_2_OVER_PI / table.d * value / Math.sqrt(1 + table.kappaGrad * x);
}
