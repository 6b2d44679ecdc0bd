/**
 * The public PER functions against the float64 reference, on random shapes chosen so
 * that no dimension is a multiple of the kernels' tiles, and their options and errors.
 */

import assert from "node:assert/strict";
import {
  perLoss,
  perLossAndGrad,
  perLossAndGradBatch,
  type PerOptions,
  perReference,
  score,
  setThreads,
} from "../mod.ts";
import { perLossAndGradScalar } from "../src/per.ts";
import {
  assertArrayClose,
  assertRelative,
  assertThrowsWith,
  normals,
  uniform,
} from "./_numeric.ts";

const LOSS_TOLERANCE = 1e-5;
const GRAD_TOLERANCE = 1e-6; // of max |gradient|

/** Checks the wasm result (and the scalar twins) against the float64 reference. */
function checkAgainstReference(
  h: Float32Array | Float64Array,
  shape: number[],
  options: PerOptions,
  what: string,
): void {
  const expected = perReference(h, shape, options);
  for (
    const [name, result] of [
      ["simd", perLossAndGrad(h, shape, options)],
      ["scalar", perLossAndGradScalar(h, shape, options)],
      ["js", perLossAndGrad(h, shape, { ...options, backend: "js" })],
    ] as const
  ) {
    assertRelative(result.loss, expected.loss, LOSS_TOLERANCE, `${what} ${name} loss`);
    assertArrayClose(result.grad, expected.grad, GRAD_TOLERANCE, `${what} ${name} grad`);
  }
}

Deno.test("random shapes off the tile sizes match the float64 reference", () => {
  const next = uniform(2024);
  const pick = (max: number) => 1 + Math.floor(next() * max);
  for (let trial = 0; trial < 40; trial++) {
    // B around the 4-row tile and row blocks, d and s around 4, 8 and 64 (the K chunk).
    const shape = [pick(70), pick(70)];
    const s = pick(140);
    const h = normals(shape[0] * shape[1], trial, trial % 3 === 0 ? 3 : 1);
    const reduction = trial % 2 ? "sum" : "mean";
    checkAgainstReference(h, shape, { projections: s, seed: trial, reduction }, `trial ${trial}`);
  }
});

Deno.test("large batches match the reference up to B·s = 10^7", () => {
  for (const [n, d, s] of [[2442, 16, 4096], [39063, 8, 256], [610, 24, 16384]]) {
    const h = normals(n * d, n);
    const options = { projections: s, seed: 11 };
    const expected = perReference(h, [n, d], options);
    const result = perLossAndGrad(h, [n, d], options);
    const what = `(${n}, ${d}, ${s})`;
    assertRelative(result.loss, expected.loss, LOSS_TOLERANCE, `${what} loss`);
    assertArrayClose(result.grad, expected.grad, GRAD_TOLERANCE, `${what} grad`);
  }
});

Deno.test("exact mode matches the direct quadrature in float64", () => {
  for (const [n, d] of [[1, 1], [5, 2], [17, 3], [33, 64], [9, 1000], [3, 4097]]) {
    const h = normals(n * d, d, 1.5);
    for (const reduction of ["mean", "sum"] as const) {
      checkAgainstReference(
        h,
        [n, d],
        { projections: Infinity, reduction },
        `exact (${n}, ${d}) ${reduction}`,
      );
    }
  }
});

Deno.test("the Monte Carlo loss converges to the exact loss like 1/sqrt(s)", () => {
  const [n, d] = [64, 16];
  const h = normals(n * d, 5);
  const exact = perLoss(h, [n, d], { projections: Infinity });
  const rms = (s: number) => {
    let sum = 0;
    const seeds = 24;
    for (let seed = 0; seed < seeds; seed++) {
      sum += (perLoss(h, [n, d], { projections: s, seed }) - exact) ** 2;
    }
    return Math.sqrt(sum / seeds);
  };
  const coarse = rms(16), fine = rms(1024);
  // 64 times the directions: the error should shrink about 8 times (allow 4 to 16).
  assert.ok(
    fine < coarse / 4 && fine > coarse / 16,
    `rms error ${coarse} at s = 16 and ${fine} at s = 1024: not a 1/sqrt(s) decrease`,
  );
  assert.ok(fine < 2e-3 * exact, `rms error at s = 1024 is ${fine}, loss ${exact}`);
});

Deno.test("orthogonal directions lower the variance of the Monte Carlo loss", () => {
  const [n, d] = [48, 8];
  const h = normals(n * d, 8).map((v, i) => v * (1 + (i % d))); // anisotropic
  const variance = (sampler: "gaussian" | "orthogonal") => {
    const values = Array.from(
      { length: 40 },
      (_, seed) => perLoss(h, [n, d], { projections: 16, seed, sampler }),
    );
    const mean = values.reduce((a, b) => a + b) / values.length;
    return values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  };
  const gaussian = variance("gaussian"), orthogonal = variance("orthogonal");
  assert.ok(
    orthogonal < gaussian / 2,
    `variance: orthogonal ${orthogonal}, gaussian ${gaussian} (expected under half)`,
  );
});

Deno.test("float64 input is rounded once to float32", () => {
  const h64 = new Float64Array(normals(6 * 5, 3)).map((v) => v + 1e-9);
  const h32 = new Float32Array(h64);
  const a = perLossAndGrad(h64, [6, 5], { seed: 4 });
  const b = perLossAndGrad(h32, [6, 5], { seed: 4 });
  assert.equal(a.loss, b.loss);
  assert.deepEqual(a.grad, b.grad);
});

Deno.test("results are deterministic and do not depend on what ran before", () => {
  const h = normals(100 * 33, 1);
  const first = perLossAndGrad(h, [100, 33], { seed: 2 });
  perLossAndGrad(normals(5000 * 70, 2), [5000, 70], { projections: 300, seed: 3 });
  perLossAndGrad(h, [100, 33], { projections: Infinity });
  const again = perLossAndGrad(h, [100, 33], { seed: 2 });
  assert.equal(again.loss, first.loss);
  assert.deepEqual(again.grad, first.grad);
});

Deno.test("the sum reduction is n times the mean reduction", () => {
  const h = normals(21 * 6, 9);
  for (const projections of [32, Infinity]) {
    const mean = perLossAndGrad(h, [21, 6], { projections, seed: 1 });
    const sum = perLossAndGrad(h, [21, 6], { projections, seed: 1, reduction: "sum" });
    assertRelative(sum.loss, 21 * mean.loss, 1e-12, `loss s=${projections}`);
    assertArrayClose(sum.grad, mean.grad.map((g) => 21 * g), 1e-6, `grad s=${projections}`);
  }
});

Deno.test("the batched call equals one call per layer", () => {
  const layers = [
    { h: normals(40 * 12, 1), shape: [40, 12] },
    { h: normals(2 * 3 * 4 * 5, 2), shape: [2, 3, 4, 5], options: { layout: "nchw" as const } },
    { h: new Float64Array(normals(7 * 9, 3)), shape: [7, 9], options: { projections: Infinity } },
  ];
  const shared = { seed: 6, projections: 96 };
  const results = perLossAndGradBatch(layers, shared);
  assert.equal(results.length, 3);
  layers.forEach((layer, i) => {
    const single = perLossAndGrad(layer.h, layer.shape, { ...shared, ...layer.options });
    assert.equal(results[i].loss, single.loss, `layer ${i} loss`);
    assert.deepEqual(results[i].grad, single.grad, `layer ${i} grad`);
  });
  assertThrowsWith(
    () => perLossAndGradBatch([layers[0], { h: new Float32Array(3), shape: [2, 2] }]),
    RangeError,
    ["layer 1", "shape"],
    "bad second layer",
  );
});

Deno.test("explicit directions are normalized and validated", () => {
  const h = normals(10 * 3, 4);
  const theta = [3, 0, 4, 0, -2, 0];
  const unit = [0.6, 0, 0.8, 0, -1, 0];
  const a = perLossAndGrad(h, [10, 3], { theta });
  const b = perLossAndGrad(h, [10, 3], { theta: new Float64Array(unit) });
  assertRelative(a.loss, b.loss, 1e-7, "loss with scaled rows");
  assertThrowsWith(
    () => perLoss(h, [10, 3], { theta: [1, 0, 0, 0, 0, 0] }),
    RangeError,
    ["theta row 1", "zero"],
    "zero row",
  );
  assertThrowsWith(
    () => perLoss(h, [10, 3], { theta: [1, NaN, 0] }),
    RangeError,
    ["theta row 0", "NaN"],
    "NaN in theta",
  );
  assertThrowsWith(
    () => perLoss(h, [10, 3], { theta: [1, 0, 0], projections: 2 }),
    RangeError,
    ["projections", "theta"],
    "count mismatch",
  );
});

Deno.test("bad arguments and options are specific errors", () => {
  const h = new Float32Array(6);
  const cases: [() => unknown, ErrorConstructor, string[]][] = [
    [() => perLoss([1, 2] as unknown as Float32Array, [2]), TypeError, ["Float32Array"]],
    [() => perLoss(h, [2, 3], { seed: -1 }), RangeError, ["seed", "-1"]],
    [() => perLoss(h, [2, 3], { seed: 1.5 }), RangeError, ["seed", "1.5"]],
    [() => perLoss(h, [2, 3], { projections: NaN }), RangeError, ["projections", "NaN"]],
    [() => perLoss(h, [2, 3], { reduction: "max" as "sum" }), RangeError, ["reduction", "max"]],
    [() => perLoss(h, [2, 3], { sampler: "sobol" as "gaussian" }), RangeError, ["sampler"]],
    [() => perLoss(h, [2, 3], { backend: "gpu" as "js" }), RangeError, ["backend", "gpu"]],
    [() => perLoss(h, [2, 3], { layout: "chw" as "flat" }), RangeError, ["layout", "chw"]],
    [() => perLoss(h, [2, 3], { projection: 3 } as PerOptions), TypeError, ["projection"]],
    [() => perLoss(h, [1, 2, 3]), RangeError, ["rank 3", "flat"]],
    // deno-lint-ignore no-sparse-arrays
    [() => perLoss(h, [, 6] as never), RangeError, ["shape[0] is undefined"]],
    [() => perLoss(h, ["2", 3] as never), RangeError, ['shape[0] is "2" (a string)']],
    [() => perLoss(h, [2, 3], { seed: "3" as never }), RangeError, ['"3" (a string)']],
    [() => perLoss(h, [2, 3], [] as never), TypeError, ["options must be an object"]],
    [
      () => perLoss(h, [2, 3], { projections: 1e8 }),
      RangeError,
      ["projections × dimension is 100000000 × 3", "2^27"],
    ],
    [() => perLoss(h, [2, 3], { theta: [1, "0", 0] as never }), TypeError, ['"0" (a string)']],
    [() => setThreads(65), RangeError, ["threads", "64", "65"]],
    [() => score(h, [2, 3], { perProjection: "yes" as never }), TypeError, ["perProjection"]],
  ];
  cases.forEach(([fn, type, mentions], i) => assertThrowsWith(fn, type, mentions, `case ${i}`));
});

Deno.test("one sample as a rank-1 shape, and nhwc equal to flat", () => {
  const h = normals(2 * 3 * 3 * 4, 12);
  const flat = perLossAndGrad(h, [18, 4], { seed: 1 });
  const nhwc = perLossAndGrad(h, [2, 3, 3, 4], { seed: 1, layout: "nhwc" });
  assert.equal(nhwc.loss, flat.loss);
  assert.deepEqual(nhwc.grad, flat.grad);
  const one = perLossAndGrad(h.subarray(0, 4), [4], { seed: 1 });
  const row = perLossAndGrad(h.subarray(0, 4), [1, 4], { seed: 1 });
  assert.equal(one.loss, row.loss);
});

Deno.test("the batched call reports a non-finite value with its layer and index", () => {
  const good = normals(4 * 3, 1);
  const bad = normals(5 * 2, 2);
  bad[7] = -Infinity;
  assertThrowsWith(
    () =>
      perLossAndGradBatch([
        { h: good, shape: [4, 3] },
        { h: bad, shape: [5, 2], options: { projections: Infinity } },
      ]),
    RangeError,
    ["layer 1", "activations[7]", "-Infinity"],
    "non-finite in the second layer",
  );
});

Deno.test("the batched call shares directions between layers of the same width", () => {
  const layers = [0, 1, 2].map((i) => ({ h: normals(30 * 16, i), shape: [30, 16] }));
  const batch = perLossAndGradBatch(layers, { seed: 4, projections: 50 });
  layers.forEach((layer, i) => {
    const expected = perReference(layer.h, layer.shape, { seed: 4, projections: 50 });
    assertRelative(batch[i].loss, expected.loss, LOSS_TOLERANCE, `layer ${i} loss`);
    assertArrayClose(batch[i].grad, expected.grad, GRAD_TOLERANCE, `layer ${i} grad`);
  });
});

Deno.test("gradInto receives the gradient, and a wrong one is refused", () => {
  const h = normals(37 * 9, 6);
  const out = new Float32Array(h.length).fill(NaN);
  for (
    const options of [{ seed: 1 }, { projections: Infinity }, { seed: 1, backend: "js" as const }]
  ) {
    const expected = perLossAndGrad(h, [37, 9], options);
    const result = perLossAndGrad(h, [37, 9], { ...options, gradInto: out });
    assert.equal(result.grad, out, "the same array comes back");
    assert.deepEqual(out, expected.grad);
    assert.equal(result.loss, expected.loss);
  }
  assertThrowsWith(
    () => perLossAndGrad(h, [37, 9], { gradInto: new Float32Array(5) }),
    RangeError,
    ["gradInto", "5", "333"],
    "short gradInto",
  );
  assertThrowsWith(
    () => perLossAndGrad(h, [37, 9], { gradInto: new Float64Array(333) as never }),
    TypeError,
    ["gradInto", "Float32Array"],
    "float64 gradInto",
  );
});

Deno.test("activations whose projections overflow float32 are an error naming the sample", () => {
  const h = new Float32Array([1, 2, 3e38, 3e38, -1, 0.5]);
  for (const run of [perLoss, perLossAndGrad]) {
    assertThrowsWith(
      () => run(h, [3, 2], { seed: 1 }),
      RangeError,
      ["loss overflows", "sample 1", "float32"],
      run.name,
    );
  }
  assertThrowsWith(
    () => perLossAndGradBatch([{ h: new Float32Array(4), shape: [2, 2] }, { h, shape: [3, 2] }]),
    RangeError,
    ["layer 1", "sample 1"],
    "batch",
  );
  // The exact mode sums norms in float64 and the js backend computes in float64: no limit.
  assert.ok(Number.isFinite(perLoss(h, [3, 2], { projections: Infinity })));
  assert.ok(Number.isFinite(perLoss(h, [3, 2], { backend: "js" })));
});
