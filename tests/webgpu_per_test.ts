/**
 * The WebGPU backend against the WebAssembly one (loss within 1e−5 relative, gradient
 * within 1e−5·max|grad|) on Mesa's software adapter in CI: shapes that are not multiples
 * of the 64 × 64 × 32 tiles, all-zero input, calls in flight at once, exact mode, nchw,
 * float64 input, the seeded directions, the shared cases, and bad input.
 */

import assert from "node:assert/strict";
import { perLoss, perLossAndGrad, type PerOptions } from "../mod.ts";
import { directions } from "../src/directions.ts";
import { adapter, gpuEngine, gpuTest } from "./_webgpu.ts";
import {
  assertArrayClose,
  assertRelative,
  normals,
  numbers,
  readCase,
  uniform,
} from "./_numeric.ts";

const LOSS_REL = 1e-5;
const GRAD_OVER_MAX = 1e-5;

/** Runs one call on the GPU engine and on wasm, and holds them to the bounds. */
async function matchesWasm(
  h: Float32Array | Float64Array,
  shape: number[],
  options: PerOptions,
  what: string,
): Promise<void> {
  const engine = await gpuEngine();
  const cpu = perLossAndGrad(h, shape, options);
  const gpu = await engine.perLossAndGrad(h, shape, options);
  assertRelative(gpu.loss, cpu.loss, LOSS_REL, `${what} loss`);
  assertArrayClose(gpu.grad, cpu.grad, GRAD_OVER_MAX, `${what} grad`);
}

gpuTest("webgpu: random shapes with remainders match wasm (Monte Carlo)", async () => {
  const next = uniform(61);
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [63, 17, 65],
    [65, 64, 64],
    [130, 129, 33],
    [257, 3, 300],
  ];
  for (let i = 0; i < 6; i++) {
    shapes.push([
      1 + Math.floor(next() * 300),
      1 + Math.floor(next() * 200),
      1 + Math.floor(next() * 300),
    ]);
  }
  for (const [n, d, s] of shapes) {
    const h = normals(n * d, n * 7 + d, 1.5);
    for (const reduction of ["mean", "sum"] as const) {
      await matchesWasm(
        h,
        [n, d],
        { projections: s, seed: n + s, reduction },
        `(${n}, ${d}, ${s}) ${reduction}`,
      );
    }
  }
});

gpuTest("webgpu: all-zero input gives √(2/π) and a zero gradient", async () => {
  const h = new Float32Array(70 * 33);
  await matchesWasm(h, [70, 33], { projections: 40 }, "zeros");
  const engine = await gpuEngine();
  const { loss, grad } = await engine.perLossAndGrad(h, [70, 33], { projections: 40 });
  assertRelative(loss, Math.sqrt(2 / Math.PI), 1e-6, "zeros loss");
  assert.ok(grad.every((g) => g === 0), "zeros: every gradient entry is 0");
  const exact = await engine.perLossAndGrad(h, [70, 33], { projections: Infinity });
  assertRelative(exact.loss, Math.sqrt(2 / Math.PI), 1e-6, "zeros exact loss");
  assert.ok(exact.grad.every((g) => g === 0), "zeros exact: every gradient entry is 0");
});

gpuTest("webgpu: calls in flight at once (Promise.all) all complete correctly", async () => {
  const engine = await gpuEngine();
  // Different shapes, so that later calls grow buffers that earlier ones still use.
  const calls = [[40, 20, 30], [300, 90, 200], [7, 3, 5], [500, 130, 257], [64, 64, 64]].map(
    ([n, d, s], i) => ({
      h: normals(n * d, 100 + i),
      shape: [n, d],
      options: { projections: s, seed: i },
    }),
  );
  calls.push({
    h: normals(90 * 40, 9),
    shape: [90, 40],
    options: { projections: Infinity, seed: 0 },
  });
  const results = await Promise.all(
    calls.map((c) => engine.perLossAndGrad(c.h, c.shape, c.options)),
  );
  results.forEach((gpu, i) => {
    const cpu = perLossAndGrad(calls[i].h, calls[i].shape, calls[i].options);
    assertRelative(gpu.loss, cpu.loss, LOSS_REL, `call ${i} loss`);
    assertArrayClose(gpu.grad, cpu.grad, GRAD_OVER_MAX, `call ${i} grad`);
  });
  const losses = await Promise.all(calls.map((c) => engine.perLoss(c.h, c.shape, c.options)));
  losses.forEach((loss, i) => assert.equal(loss, results[i].loss, `call ${i}: perLoss`));
});

gpuTest("webgpu: exact mode matches wasm, small and huge norms", async () => {
  for (const [n, d] of [[1, 1], [5, 2], [100, 3], [77, 100], [33, 513]]) {
    await matchesWasm(normals(n * d, d), [n, d], { projections: Infinity }, `exact (${n}, ${d})`);
  }
  // Norms from 1e−30 to 1e30 take every branch of the scaled norm (exact_wgsl.ts).
  const h = new Float32Array(8 * 6);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 6; j++) h[i * 6 + j] = 10 ** (-30 + 60 * i / 7) * (j % 2 ? -1 : 0.5);
  }
  await matchesWasm(h, [8, 6], { projections: Infinity, reduction: "sum" }, "exact norms");
});

gpuTest("webgpu: nchw and nhwc layouts, float64 input", async () => {
  const h = normals(3 * 5 * 7 * 9, 4);
  await matchesWasm(h, [3, 5, 7, 9], { layout: "nchw", projections: 70 }, "nchw");
  await matchesWasm(h, [3, 5, 7, 9], { layout: "nchw", projections: Infinity }, "nchw exact");
  await matchesWasm(h, [3, 5, 7, 9], { layout: "nhwc", projections: 70 }, "nhwc");
  await matchesWasm(Float64Array.from(h), [63, 15], { projections: 33 }, "float64");
});

gpuTest(
  "webgpu: the seeded directions are the CPU's, and results repeat bit for bit",
  async () => {
    const engine = await gpuEngine();
    const [n, d, s] = [90, 37, 70];
    const h = normals(n * d, 5);
    for (const sampler of ["gaussian", "orthogonal"] as const) {
      const seeded = await engine.perLossAndGrad(h, [n, d], { projections: s, seed: 11, sampler });
      const explicit = await engine.perLossAndGrad(h, [n, d], {
        theta: directions(d, s, 11, sampler),
      });
      assert.equal(seeded.loss, explicit.loss, `${sampler}: seed and the same θ give one loss`);
      assert.deepEqual(seeded.grad, explicit.grad, `${sampler}: and one gradient`);
      const again = await engine.perLossAndGrad(h, [n, d], { projections: s, seed: 11, sampler });
      assert.equal(again.loss, seeded.loss, `${sampler}: the loss repeats exactly`);
      assert.deepEqual(again.grad, seeded.grad, `${sampler}: the gradient repeats exactly`);
      await matchesWasm(h, [n, d], { projections: s, seed: 11, sampler }, sampler);
    }
  },
);

gpuTest("webgpu: the batched call matches wasm layer by layer", async () => {
  const engine = await gpuEngine();
  const layers = [
    { h: normals(50 * 20, 1), shape: [50, 20] },
    { h: normals(2 * 3 * 4 * 5, 2), shape: [2, 3, 4, 5], options: { layout: "nchw" as const } },
    { h: normals(30 * 9, 3), shape: [30, 9], options: { projections: Infinity } },
  ];
  const gpu = await engine.perLossAndGradBatch(layers, {
    projections: 45,
    seed: 8,
    backend: "webgpu",
  });
  layers.forEach((layer, i) => {
    const cpu = perLossAndGrad(layer.h, layer.shape, {
      projections: 45,
      seed: 8,
      ...layer.options,
    });
    assertRelative(gpu[i].loss, cpu.loss, LOSS_REL, `layer ${i} loss`);
    assertArrayClose(gpu[i].grad, cpu.grad, GRAD_OVER_MAX, `layer ${i} grad`);
  });
  await assert.rejects(
    engine.perLossAndGradBatch([layers[0], { h: new Float32Array([1, NaN]), shape: [1, 2] }]),
    (error: Error) =>
      error instanceof RangeError && /layer 1: activations\[1\] is NaN/.test(error.message),
  );
});

gpuTest("webgpu: shared cases erf-range, exp-underflow, erf-bound, constant, shape", async () => {
  const engine = await gpuEngine();
  // deno-lint-ignore no-explicit-any
  const check = async (call: any, tolerance: any, what: string) => {
    const data = new Float32Array(numbers(call.data));
    const options: PerOptions = call.theta ? { theta: numbers(call.theta) } : {};
    if (call.projections !== undefined) options.projections = Number(call.projections);
    const { loss, grad } = await engine.perLossAndGrad(data, call.shape, options);
    assertRelative(loss, call.loss, tolerance.loss_rel, `${what} loss`);
    assert.ok(grad.every(Number.isFinite), `${what}: a gradient entry is not finite`);
    if (tolerance.grad_abs !== undefined) {
      assertArrayClose(grad, call.grad, tolerance.grad_abs, `${what} grad`, true);
    } else {
      assertArrayClose(grad, call.grad, tolerance.grad_abs_over_max, `${what} grad`);
    }
  };
  const range = readCase("erf-range");
  for (const [i, call] of range.calls.entries()) {
    if (call.grad) await check(call, range.tolerance, `erf-range ${i}`);
  }
  const under = readCase("exp-underflow");
  await check(under, under.tolerance, "exp-underflow");

  const bound = readCase("erf-bound");
  const { loss, grad } = await engine.perLossAndGrad(
    new Float32Array(numbers(bound.data)),
    bound.shape,
    { theta: numbers(bound.theta) },
  );
  assertRelative(loss, bound.loss, bound.tolerance.loss_rel, "erf-bound loss");
  grad.forEach((g, i) =>
    assert.ok(Math.abs(g) <= bound.grad_abs_at_most, `erf-bound grad[${i}] = ${g}`)
  );

  const constant = readCase("constant");
  await check(constant.twoPointFive, constant.tolerance, "constant 2.5");

  const shape = readCase("shape");
  for (const layout of ["flat", "nhwc", "nchw"] as const) {
    const expected = shape[layout];
    const data = new Float32Array(numbers(shape.data));
    const got = await engine.perLossAndGrad(data, expected.shape, {
      layout,
      theta: numbers(shape.theta),
    });
    assertRelative(got.loss, expected.loss, shape.tolerance.loss_rel, `shape ${layout} loss`);
    assertArrayClose(
      got.grad,
      expected.grad,
      shape.tolerance.grad_abs_over_max,
      `shape ${layout} grad`,
    );
  }
});

gpuTest("webgpu: a non-finite activation is an error naming its index and value", async () => {
  const engine = await gpuEngine();
  const cases = readCase("non-finite");
  for (const call of cases.calls) {
    // float64, so that a value beyond the float32 range reaches the check as it is.
    const data = new Float64Array(numbers(call.data));
    const variants: PerOptions[] = call.theta
      ? [{ theta: numbers(call.theta) }]
      : [{ projections: 16 }, { projections: Infinity }];
    for (const options of variants) {
      await assert.rejects(
        engine.perLossAndGrad(data, call.shape, options),
        (error: Error) =>
          error instanceof RangeError &&
          call.error_mentions.every((text: string) => error.message.includes(text)),
        `non-finite ${JSON.stringify(call.data)}`,
      );
    }
  }
  // A float64 value beyond the float32 range, in the last row: the index is the caller's.
  const h = new Float64Array(4000 * 3);
  h[3999 * 3 + 2] = 1e39;
  await assert.rejects(
    engine.perLoss(h, [4000, 3]),
    /activations\[11999\] is 1e\+39, outside the float32 range/,
  );
});

gpuTest("webgpu: a call whose projections exceed one storage binding runs in chunks", async () => {
  // The engine's device takes the adapter's largest binding (device.ts).
  const limit = adapter!.limits.maxStorageBufferBindingSize;
  // s = 4096 directions: X takes 16 KiB per sample, so n samples need two chunks or more.
  const s = 4096, d = 8, n = Math.floor(limit / (4 * s)) + 808;
  const h = normals(n * d, 21);
  await matchesWasm(h, [n, d], { projections: s, seed: 5 }, `chunked (${n}, ${d}, ${s})`);
});

gpuTest("webgpu: perLoss equals perLossAndGrad's loss; the sync API refuses webgpu", async () => {
  const engine = await gpuEngine();
  const h = normals(120 * 50, 12);
  const both = await engine.perLossAndGrad(h, [120, 50], { seed: 4 });
  assert.equal(await engine.perLoss(h, [120, 50], { seed: 4 }), both.loss);
  assert.throws(
    () => perLoss(h, [120, 50], { backend: "webgpu" }),
    (error: Error) => error instanceof RangeError && /createEngine/.test(error.message),
  );
  assert.equal(engine.backendFor(h, [120, 50]), "webgpu");
  assert.equal(engine.backendFor(h, [120, 50], { backend: "wasm" }), "wasm");
});

Deno.test("webgpu: without an adapter every GPU test above is skipped, by name", () => {
  // Documents the skip helper's contract; webgpu_adapter_test.ts fails CI when it would skip.
  if (!adapter) console.warn("no WebGPU adapter: the webgpu_* GPU tests are ignored");
});
