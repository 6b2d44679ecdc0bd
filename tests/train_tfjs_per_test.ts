import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { perLossAndGrad } from "../mod.ts";
import type { PerOptions } from "../src/options.ts";
import { perOp } from "../src/train/tfjs_per.ts";
import { type TfjsBackend, useTfjsBackend } from "../src/train/tfjs_backend.ts";

tf.enableProdMode();
const BACKENDS: TfjsBackend[] = ["cpu", "wasm"];

/**
 * Activations on a grid of multiples of 2^-12 in (-3, 3): then h ± 2^-10 is exactly
 * representable in float32, so the finite difference sees exactly the step it divides by.
 */
function gridActivations(count: number): Float32Array {
  const h = new Float32Array(count);
  for (let i = 0; i < count; i++) h[i] = Math.round(2.7 * Math.sin(1.7 * i + 0.3) * 4096) / 4096;
  return h;
}

/**
 * ∂loss/∂h_i by central differences of the loss the op wraps, taken before the op rounds it
 * to a float32 scalar: that rounding alone (2^-24 relative, ~2.4e-7 of a loss near 4) would
 * put ~1e-4 of noise into a quotient with denominator 2^-9.
 */
function centralDifference(
  h: Float32Array,
  shape: number[],
  options: PerOptions,
  i: number,
  step: number,
): number {
  const at = (delta: number) => {
    const moved = h.slice();
    moved[i] += delta;
    return perLossAndGrad(moved, shape, options).loss;
  };
  return (at(step) - at(-step)) / (2 * step);
}

function gradOfOp(h: Float32Array, shape: number[], options: PerOptions): Float32Array {
  return tf.tidy(() =>
    tf.grad((x: tf.Tensor) => perOp(x, options))(tf.tensor(h, shape)).dataSync() as Float32Array
  );
}

for (const backend of BACKENDS) {
  Deno.test(`perOp on tfjs ${backend}: value and gradient equal perLossAndGrad's`, async () => {
    await useTfjsBackend(backend);
    const shape = [24, 10];
    const h = gridActivations(240);
    for (
      const options of [
        { projections: 48, seed: 5 },
        { projections: Infinity },
        { projections: 32, seed: 2, reduction: "sum" as const, sampler: "orthogonal" as const },
      ]
    ) {
      const direct = perLossAndGrad(h, shape, options);
      const value = tf.tidy(() => perOp(tf.tensor(h, shape), options).dataSync()[0]);
      // The op returns the kernel's float64 loss rounded to float32.
      assert.equal(value, Math.fround(direct.loss));
      // The backward pass multiplies the kept gradient by dy = 1: bit for bit the same.
      assert.deepEqual(gradOfOp(h, shape, options), direct.grad);
    }
  });

  Deno.test(`perOp on tfjs ${backend}: gradient matches central differences`, async () => {
    await useTfjsBackend(backend);
    const shape = [4, 3];
    const h = gridActivations(12);
    const step = 2 ** -10;
    // Float64 reference (backend "js"): each loss is exact to ~1e-16, so the quotient errs by
    // ~1e-16/2^-9 ≈ 1e-13 from rounding and by step²·max|f‴|/6 < 1e-7 from truncation
    // (|f‴| ≤ 0.49 and |θ| ≤ 1), while the op's gradient is rounded to float32 (2^-24 ≈ 6e-8
    // relative): 1e-6 of the largest component covers both (measured: 5e-8).
    // WebAssembly kernels, Monte Carlo: projections and f are evaluated in float32 (MATH.md
    // §5), so each loss carries ~1e-7 relative error that the quotient divides by 2^-9
    // (measured: 3e-5 of the largest component); 5e-4 leaves a margin above 10×. Exact mode
    // works from float64 norms and a float64 table (measured: 7e-8).
    for (
      const [kernels, tolerance] of [["js", 1e-6], ["wasm", 5e-4]] as const
    ) {
      for (const projections of [64, Infinity]) {
        const options: PerOptions = { projections, seed: 9, reduction: "sum", backend: kernels };
        const grad = gradOfOp(h, shape, options);
        const largest = Math.max(...grad.map(Math.abs));
        for (let i = 0; i < h.length; i++) {
          const numeric = centralDifference(h, shape, options, i, step);
          assert.ok(
            Math.abs(numeric - grad[i]) <= tolerance * largest,
            `${kernels} s=${projections} element ${i}: autodiff ${grad[i]}, ` +
              `central difference ${numeric}`,
          );
        }
      }
    }
  });
}

Deno.test("perOp rejects non-float32 tensors and bad options, naming them", async () => {
  await useTfjsBackend("cpu");
  assert.throws(() => perOp(tf.tensor([1, 2], [2], "int32")), /float32 tensor, got int32/);
  assert.throws(() => perOp(tf.tensor([1, 2], [1, 2]), { projections: 0 }), RangeError);
  assert.throws(
    () => perOp(tf.tensor([1, NaN], [1, 2])),
    (error: Error) => error instanceof RangeError && /NaN/.test(error.message),
  );
});
