/**
 * Fits the polynomials that the WebAssembly kernels use for exp, erf and erfc, and prints
 * them as float32 constants for `assembly/constants.ts`.
 *
 * Method: the Remez exchange algorithm for a weighted minimax polynomial (E. Ya. Remez,
 * 1934; as presented in Muller, "Elementary Functions", 3rd ed., §3.6), run in float64
 * on a dense grid, followed by sequential rounding of the coefficients to float32 from
 * the highest degree down, refitting the lower coefficients after each rounding
 * (Brisebarre, Muller and Tisserand, 2006, use the same idea in their lattice method).
 *
 * The three approximations, with z = |t|/√2:
 *   exp(r) ≈ 1 + r + r²·Q(r),       |r| ≤ ln2/2          (relative error)
 *   erf(z) ≈ z·P(z²),               0 ≤ z < Z0           (relative error)
 *   erfc(z) ≈ exp(−z²)·R(τ),        τ = 1/(1 + p·z), z ≥ Z0 (absolute error of erfc)
 *
 * Run: `deno run tools/fit_kernel_polynomials.ts`. It needs no permission and prints the
 * achieved bounds, before and after rounding to float32.
 *
 * @module
 */

/** One fitted polynomial in monomial form, lowest power first. */
interface Fit {
  coefficients: number[];
  maxError: number;
}

const Z0 = 0.75;
const Z_MAX = 10; // exp(−100) is far below the float32 ulp of 1: erfc no longer matters
const GRID = 4000;

/** erf(z)/z by its Maclaurin series (DLMF 7.6.1); |z| ≤ 1 keeps it free of cancellation. */
function erfOverZ(z: number): number {
  const w = z * z;
  let term = 1;
  let sum = 0;
  for (let n = 0; n < 60; n++) {
    const contribution = term / (2 * n + 1);
    sum += contribution;
    if (Math.abs(contribution) < 1e-18 * Math.abs(sum)) break;
    term *= -w / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/**
 * erfcx(z) = exp(z²)·erfc(z) for z ≥ 0. Below 2.5: 1 − erf(z) with erf from the series
 * without cancellation (DLMF 7.6.2), which loses at most four digits there. From 2.5: the
 * continued fraction DLMF 7.9.2, evaluated backwards with 200 terms (converged to 1e-16).
 */
function erfcx(z: number): number {
  if (z < 2.5) {
    // erf(z) = 2/√π · exp(−z²) · Σ 2ⁿ z^(2n+1) / (1·3·…·(2n+1))
    let term = z;
    let sum = z;
    for (let n = 1; n < 400; n++) {
      term *= (2 * z * z) / (2 * n + 1);
      sum += term;
      if (term < 1e-18 * sum) break;
    }
    const erf = (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
    return Math.exp(z * z) * (1 - erf);
  }
  // erfc(z) = exp(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …))))
  let tail = z;
  for (let k = 200; k >= 1; k--) tail = z + k / 2 / tail;
  return 1 / (Math.sqrt(Math.PI) * tail);
}

/** (e^r − 1 − r)/r² by its series, exact to float64 for |r| ≤ 0.35. */
function expRemainder(r: number): number {
  let term = 0.5;
  let sum = 0;
  for (let k = 2; k < 40; k++) {
    sum += term;
    term *= r / (k + 1);
  }
  return sum;
}

/** Solves a dense linear system by Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    }
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row][col] / a[col][col];
      for (let k = col; k <= n; k++) a[row][k] -= factor * a[col][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let s = a[row][n];
    for (let k = row + 1; k < n; k++) s -= a[row][k] * x[k];
    x[row] = s / a[row][row];
  }
  return x;
}

function horner(coefficients: number[], u: number): number {
  let p = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) p = p * u + coefficients[i];
  return p;
}

/**
 * Weighted minimax fit of `target` by a polynomial of `degree` on [lo, hi], with the
 * coefficients listed in `fixed` (power → value) held and the others free.
 */
function remez(
  target: (u: number) => number,
  weight: (u: number) => number,
  lo: number,
  hi: number,
  degree: number,
  fixed: Map<number, number> = new Map(),
): Fit {
  const free = [...Array(degree + 1).keys()].filter((p) => !fixed.has(p));
  const m = free.length;
  const grid = Array.from(
    { length: GRID + 1 },
    (_, i) => lo + (hi - lo) * (0.5 - 0.5 * Math.cos((Math.PI * i) / GRID)),
  );
  // Reference points: the extrema of the Chebyshev polynomial of degree m, mapped.
  let reference = Array.from(
    { length: m + 1 },
    (_, i) => lo + (hi - lo) * (0.5 - 0.5 * Math.cos((Math.PI * i) / m)),
  );
  const residualTarget = (u: number) => {
    let t = target(u);
    for (const [p, c] of fixed) t -= c * u ** p;
    return t;
  };
  let coefficients: number[] = [];
  let maxError = Infinity;
  for (let iteration = 0; iteration < 60; iteration++) {
    const rows = reference.map((u, i) => [
      ...free.map((p) => u ** p),
      (i % 2 === 0 ? 1 : -1) / weight(u),
    ]);
    const solution = solve(rows, reference.map(residualTarget));
    const levelled = Math.abs(solution[m]);
    coefficients = new Array<number>(degree + 1).fill(0);
    free.forEach((p, i) => (coefficients[p] = solution[i]));
    for (const [p, c] of fixed) coefficients[p] = c;
    const error = (u: number) => weight(u) * (horner(coefficients, u) - target(u));
    // New reference: the extreme point of each run of one sign on the grid.
    const runs: { u: number; e: number }[] = [];
    for (const u of grid) {
      const e = error(u);
      const last = runs[runs.length - 1];
      if (last && Math.sign(last.e) === Math.sign(e)) {
        if (Math.abs(e) > Math.abs(last.e)) runs[runs.length - 1] = { u, e };
      } else runs.push({ u, e });
    }
    maxError = Math.max(...runs.map((r) => Math.abs(r.e)));
    while (runs.length > m + 1) {
      // Drop the smaller end run until the alternation has exactly m + 1 points.
      if (Math.abs(runs[0].e) < Math.abs(runs[runs.length - 1].e)) runs.shift();
      else runs.pop();
    }
    if (runs.length < m + 1) break;
    reference = runs.map((r) => r.u);
    if (maxError <= levelled * (1 + 1e-9)) break;
  }
  return { coefficients, maxError };
}

/** Rounds coefficients to float32 from the highest power down, refitting the rest. */
function roundToFloat32(
  target: (u: number) => number,
  weight: (u: number) => number,
  lo: number,
  hi: number,
  degree: number,
  fixed: Map<number, number>,
): Fit {
  const held = new Map(fixed);
  let fit = remez(target, weight, lo, hi, degree, held);
  for (let p = degree; p >= 0; p--) {
    if (held.has(p)) continue;
    held.set(p, Math.fround(fit.coefficients[p]));
    if (held.size <= degree) fit = remez(target, weight, lo, hi, degree, held);
  }
  const coefficients = [...Array(degree + 1).keys()].map((p) => held.get(p)!);
  let maxError = 0;
  for (let i = 0; i <= 20 * GRID; i++) {
    const u = lo + ((hi - lo) * i) / (20 * GRID);
    maxError = Math.max(maxError, Math.abs(weight(u) * (horner(coefficients, u) - target(u))));
  }
  return { coefficients, maxError };
}

function show(name: string, fit: Fit): void {
  console.log(`${name}: max weighted error ${fit.maxError.toExponential(3)}`);
  fit.coefficients.forEach((c, p) => console.log(`  c${p} = ${Math.fround(c).toPrecision(9)}`));
}

// exp(r) = 1 + r + r²·Q(r): Q of degree 4 is exp's coefficients c2..c6.
const halfLn2 = Math.LN2 / 2 + 1e-6;
show(
  "exp: Q(r), r in [-ln2/2, ln2/2], relative error of exp",
  roundToFloat32(expRemainder, (r) => (r * r) / Math.exp(r), -halfLn2, halfLn2, 4, new Map()),
);

// erf(z) = z·P(w), w = z², relative error.
show(
  `erf: P(w), w = z^2 in [0, ${Z0 * Z0}], relative error of erf`,
  roundToFloat32(
    (w) => erfOverZ(Math.sqrt(w)),
    (w) => 1 / erfOverZ(Math.sqrt(w)),
    0,
    Z0 * Z0,
    5,
    new Map(),
  ),
);

// erfc(z) = exp(−z²)·R(τ), τ = 1/(1 + p·z): scan p, keep the best degree-4 fit.
let best: { p: number; fit: Fit } | undefined;
for (let p = 0.3; p <= 1.2 + 1e-9; p += 0.01) {
  const zOf = (tau: number) => (1 / tau - 1) / p;
  const fit = remez(
    (tau) => erfcx(zOf(tau)),
    (tau) => Math.exp(-(zOf(tau) ** 2)),
    1 / (1 + p * Z_MAX),
    1 / (1 + p * Z0),
    4,
  );
  if (!best || fit.maxError < best.fit.maxError) best = { p: Math.fround(p), fit };
}
const p = best!.p;
const zOf = (tau: number) => (1 / tau - 1) / p;
console.log(`erfc: p = ${p.toPrecision(9)}`);
show(
  `erfc: R(tau), z in [${Z0}, ${Z_MAX}], absolute error of erfc`,
  roundToFloat32(
    (tau) => erfcx(zOf(tau)),
    (tau) => Math.exp(-(zOf(tau) ** 2)),
    1 / (1 + p * Z_MAX),
    1 / (1 + p * Z0),
    4,
    new Map(),
  ),
);
