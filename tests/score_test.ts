/**
 * score(): the sliced distances against an independent numerical integration in float64,
 * their properties on random inputs, the shared cases, and the per-unit summaries.
 */

import assert from "node:assert/strict";
import { perLoss, score } from "../mod.ts";
import { normalCdf, normalQuantile } from "../src/math/normal.ts";
import { readNpy } from "../src/io/npy.ts";
import { assertRelative, assertThrowsWith, normals, readCase, uniform } from "./_numeric.ts";

/**
 * W1 = ∫ |F_n(t) − Φ(t)| dt by adaptive Simpson between consecutive sample values (F_n is
 * constant there), plus the two tails in closed form: an integration that shares nothing
 * with the quantile formulas under test.
 */
function w1ByIntegration(values: number[]): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  // Tails: ∫_{−∞}^{x_1} Φ = x_1·Φ(x_1) + φ(x_1); ∫_{x_n}^{∞} (1 − Φ) likewise.
  const pdf = (t: number) => Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
  let total = x[0] * normalCdf(x[0]) + pdf(x[0]);
  total += -x[n - 1] * (1 - normalCdf(x[n - 1])) + pdf(x[n - 1]);
  for (let i = 0; i + 1 < n; i++) {
    const level = (i + 1) / n;
    total += adaptiveSimpson((t) => Math.abs(level - normalCdf(t)), x[i], x[i + 1], 1e-13);
  }
  return total;
}

/** W2² = ∫_0^1 (F_n⁻¹(u) − Φ⁻¹(u))² du, by adaptive Simpson on each step of F_n⁻¹. */
function w2SquaredByIntegration(values: number[]): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    // Substituting u = Φ(z) removes the endpoint singularities of Φ⁻¹.
    const lo = i === 0 ? -40 : normalQuantile(i / n);
    const hi = i === n - 1 ? 40 : normalQuantile((i + 1) / n);
    const density = (z: number) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    total += adaptiveSimpson((z) => (x[i] - z) ** 2 * density(z), lo, hi, 1e-14);
  }
  return total;
}

function adaptiveSimpson(f: (t: number) => number, a: number, b: number, tol: number): number {
  const simpson = (fa: number, fm: number, fb: number, h: number) => (h / 6) * (fa + 4 * fm + fb);
  const recurse = (
    a: number,
    b: number,
    fa: number,
    fm: number,
    fb: number,
    whole: number,
    tol: number,
    depth: number,
  ): number => {
    const m = (a + b) / 2, lm = (a + m) / 2, rm = (m + b) / 2;
    const flm = f(lm), frm = f(rm);
    const left = simpson(fa, flm, fm, m - a), right = simpson(fm, frm, fb, b - m);
    if (depth > 40 || Math.abs(left + right - whole) <= 15 * tol) {
      return left + right + (left + right - whole) / 15;
    }
    return recurse(a, m, fa, flm, fm, left, tol / 2, depth + 1) +
      recurse(m, b, fm, frm, fb, right, tol / 2, depth + 1);
  };
  const fa = f(a), fm = f((a + b) / 2), fb = f(b);
  return recurse(a, b, fa, fm, fb, simpson(fa, fm, fb, b - a), tol, 0);
}

Deno.test("one direction: W1 and W2 equal numerical integration in float64", () => {
  const next = uniform(5);
  for (const n of [1, 2, 3, 7, 50, 333]) {
    // Shifted, scaled and skewed samples, so some values fall inside their own quantile
    // interval and some outside.
    const values = Array.from({ length: n }, () => Math.fround((next() - 0.3) * 5 + next() ** 3));
    const h = new Float32Array(values);
    for (const backend of ["wasm", "js"] as const) {
      // d = 1 with theta = [1]: the projections are the values themselves.
      const result = score(h, [n, 1], { theta: [1], backend });
      assertRelative(result.sw1, w1ByIntegration(values), 1e-9, `n=${n} ${backend} W1`);
      assertRelative(result.sw2 ** 2, w2SquaredByIntegration(values), 1e-9, `n=${n} W2²`);
    }
  }
});

Deno.test("one-dimensional input gives the 1-D W1 and W2 whatever the directions", () => {
  const values = Array.from(normals(101, 3, 1.7), (v) => v + 0.4);
  const h = new Float32Array(values);
  const w1 = w1ByIntegration(Array.from(h)), w2 = Math.sqrt(w2SquaredByIntegration(Array.from(h)));
  for (const seed of [0, 1, 2]) {
    const result = score(h, [101, 1], { projections: 9, seed });
    assertRelative(result.sw1, w1, 1e-9, `seed ${seed} SW1`);
    assertRelative(result.sw2, w2, 1e-9, `seed ${seed} SW2`);
  }
});

Deno.test("SW1 ≤ PER on the same directions, for random inputs", () => {
  const next = uniform(11);
  for (let trial = 0; trial < 25; trial++) {
    const n = 1 + Math.floor(next() * 60), d = 1 + Math.floor(next() * 12);
    const h = normals(n * d, trial, 0.2 + 3 * next()).map((v) => v + (next() - 0.5));
    const result = score(h, [n, d], { projections: 1 + Math.floor(next() * 40), seed: trial });
    // PER sums float32 values of f (relative error under 4e-7): allow that much.
    assert.ok(
      result.sw1 <= result.per * (1 + 1e-6),
      `trial ${trial} (${n}, ${d}): SW1 ${result.sw1} > PER ${result.per}`,
    );
    assert.ok(result.sw2 >= result.sw1 * (1 - 1e-9), `trial ${trial}: SW2 < SW1`);
  }
});

Deno.test("SW1 and SW2 of N(0, I) samples shrink toward 0 as n grows", () => {
  const d = 4;
  const at = (n: number) => score(normals(n * d, n), [n, d], { projections: 64, seed: 1 });
  const small = at(100), large = at(10000);
  // Expected rates are about n^(-1/2) (up to logarithms): 100 times the samples should
  // divide the distances by roughly 10; require at least 4.
  assert.ok(large.sw1 < small.sw1 / 4, `SW1 ${small.sw1} → ${large.sw1}`);
  assert.ok(large.sw2 < small.sw2 / 4, `SW2 ${small.sw2} → ${large.sw2}`);
  assert.ok(large.sw1 < 0.03, `SW1 of 10^4 normal samples is ${large.sw1}`);
});

Deno.test("the wasm and js backends agree, and per equals perLoss on the same directions", () => {
  const h = normals(300 * 7, 21, 1.3);
  const options = { projections: 50, seed: 8 };
  const wasm = score(h, [300, 7], { ...options, perProjection: true });
  const js = score(h, [300, 7], { ...options, backend: "js", perProjection: true });
  for (const key of ["per", "perExact", "sw1", "sw2", "covDistance"] as const) {
    assertRelative(wasm[key], js[key], 1e-6, key);
  }
  wasm.perProjection!.w1.forEach((w, k) =>
    assertRelative(w, js.perProjection!.w1[k], 1e-6, `w1[${k}]`)
  );
  assertRelative(wasm.per, perLoss(h, [300, 7], options), 1e-7, "per vs perLoss");
  assertRelative(wasm.perExact, perLoss(h, [300, 7], { projections: Infinity }), 0, "perExact");
  assert.equal(wasm.backend, "wasm");
  assert.equal(js.backend, "js");
  assert.equal(wasm.perProjection!.per.length, 50);
});

Deno.test("case constant: zero variance in every score field", () => {
  const c = readCase("constant");
  const result = score(new Float32Array(c.zeros.data), c.zeros.shape);
  const expected = c.zeros.score;
  const tolerance = c.tolerance.score_abs;
  for (const key of ["sw1", "sw2", "deadFraction", "covDistance"] as const) {
    assert.ok(
      Math.abs(result[key] - expected[key]) <= tolerance,
      `${key}: ${result[key]}, expected ${expected[key]}`,
    );
  }
  assert.deepEqual(result.unitStd, expected.unitStd);
  assertRelative(result.perExact, c.zeros.loss_exact, 1e-12, "perExact");
  assertRelative(result.per, c.zeros.loss_any_theta, 1e-6, "per");
});

for (const name of ["f16", "npy-layout"]) {
  Deno.test(`case ${name}: score() with the directions in theta.npy`, () => {
    const c = readCase(name);
    const bytes = (file: string) =>
      Uint8Array.from(atob(c.files_base64[file]), (ch) => ch.charCodeAt(0));
    const theta = readNpy(bytes("theta.npy"), "theta.npy");
    const expected = c.score_with_theta;
    for (const file of Object.keys(c.files_base64)) {
      if (file === "theta.npy" || file === "nan.npy") continue;
      const tensor = readNpy(bytes(file), file);
      for (const backend of ["wasm", "js"] as const) {
        const result = score(tensor.data, tensor.shape, { theta: theta.data, backend });
        assert.equal(result.samples, expected.samples);
        assert.equal(result.dim, expected.dim);
        for (const key of ["per", "sw1", "sw2"] as const) {
          assertRelative(result[key], expected[key], c.tolerance.rel, `${file} ${backend} ${key}`);
        }
      }
    }
  });
}

Deno.test("unit summaries: means, deviations, dead units and the covariance distance", () => {
  // Unit 0 ~ 2·N(0,1) + 1, unit 1 dead, unit 2 = −unit 0 (perfectly correlated).
  const n = 2000;
  const z = normals(n, 4);
  const h = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    h[i * 3] = 2 * z[i] + 1;
    h[i * 3 + 2] = -(2 * z[i] + 1);
  }
  for (const backend of ["wasm", "js"] as const) {
    const result = score(h, [n, 3], { projections: 8, backend });
    let mean = 0, variance = 0;
    for (let i = 0; i < n; i++) mean += Math.fround(h[i * 3]) / n;
    for (let i = 0; i < n; i++) variance += (Math.fround(h[i * 3]) - mean) ** 2 / n;
    assertRelative(result.unitMean[0], mean, 1e-12, `${backend} mean`);
    assertRelative(result.unitStd[0], Math.sqrt(variance), 1e-12, `${backend} std`);
    assert.equal(result.unitStd[1], 0);
    assertRelative(result.deadFraction, 1 / 3, 1e-15, `${backend} dead`);
    // C = [[v, 0, −v], [0, 0, 0], [−v, 0, v]]: ‖C − I‖² = 2(v − 1)² + 1 + 2v².
    const expected = Math.sqrt(2 * (variance - 1) ** 2 + 1 + 2 * variance ** 2) / 3;
    assertRelative(result.covDistance, expected, 1e-6, `${backend} covariance distance`);
  }
});

Deno.test("score() errors name what was wrong", () => {
  const h = new Float32Array(6);
  assertThrowsWith(
    () => score(h, [2, 3], { projections: Infinity }),
    RangeError,
    ["projections"],
    "exact",
  );
  assertThrowsWith(() => score(h, [4, 2]), RangeError, ["shape"], "shape");
  assertThrowsWith(() => score(h, [2, 3], { bins: 3 } as never), TypeError, ["bins"], "option");
  const bad = new Float32Array([1, 2, NaN, 4, 5, 6]);
  assertThrowsWith(() => score(bad, [2, 3]), RangeError, ["activations[2]", "NaN"], "NaN");
  assertThrowsWith(
    () => score(bad, [2, 3], { backend: "js" }),
    RangeError,
    ["activations[2]", "NaN"],
    "NaN on js",
  );
});

Deno.test("the covariance distance matches float64 on all three paths of its computation", () => {
  // Full C (d small), the Gram matrix (fewer samples than units), and C in column blocks
  // (d past the 1024-column block): each against C formed whole in plain float64.
  for (const [n, d] of [[300, 20], [20, 50], [1040, 1030]]) {
    const h = normals(n * d, n + d).map((v, i) => v * (1 + (i % 3)) + (i % d) / d);
    const wasm = score(h, [n, d], { projections: 4 });
    const js = score(h, [n, d], { projections: 4, backend: "js" });
    assertRelative(wasm.covDistance, js.covDistance, 1e-6, `(${n}, ${d}) covariance distance`);
  }
});

Deno.test("score(): overflowing projections are an error; a huge spread keeps a finite covariance", () => {
  const h = new Float32Array([1, 2, 3e38, 3e38, -1, 0.5]);
  assertThrowsWith(() => score(h, [3, 2]), RangeError, ["overflows", "sample 1"], "3e38");
  // Spread 6e19 within one unit: float32 products overflow, the float64 fallback does not.
  const wide = new Float32Array([3e19, -3e19, -3e19, 3e19, 3, 4]);
  const result = score(wide, [3, 2]);
  const reference = score(wide, [3, 2], { backend: "js" });
  assertRelative(result.covDistance, reference.covDistance, 1e-6, "covariance distance");
});
