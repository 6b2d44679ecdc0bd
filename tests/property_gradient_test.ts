/**
 * Property: the gradient is the derivative of the loss. Central finite differences of the
 * float64 reference loss, on well-conditioned points, match the reference gradient to the
 * differences' own truncation error, and the kernels' gradient to that plus their bound.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { directions, perLossAndGrad, perReference } from "../mod.ts";
import { monteCarloBounds, runs } from "./_property.ts";

/**
 * The step: activations are multiples of 1/64 up to ±3, so h ± 2^-12 is exact in float32 and
 * the reference, which rounds its input to float32, differences exactly the points intended.
 */
const STEP = 2 ** -12;

/** max |f‴(t)| = √(2/π)·e^(−1/2), at |t| = 1. */
const F3 = Math.sqrt(2 / Math.PI) * Math.exp(-0.5);

/** A well-conditioned batch: values on a coarse grid, a few coordinates to differentiate. */
const points = fc.record({ n: fc.integer({ min: 1, max: 8 }), d: fc.integer({ min: 1, max: 8 }) })
  .chain(({ n, d }) =>
    fc.record({
      n: fc.constant(n),
      d: fc.constant(d),
      h: fc.array(fc.integer({ min: -192, max: 192 }), { minLength: n * d, maxLength: n * d })
        .map((k) => Float32Array.from(k, (x) => x / 64)),
      at: fc.array(fc.nat({ max: n * d - 1 }), { minLength: 1, maxLength: 4 }),
      s: fc.integer({ min: 1, max: 16 }),
      seed: fc.nat({ max: 2 ** 31 }),
      reduction: fc.constantFrom("mean" as const, "sum" as const),
    })
  );

/** The central difference of the reference loss at coordinate i. */
function centralDifference(
  h: Float32Array,
  shape: number[],
  options: Record<string, unknown>,
  i: number,
): number {
  const up = h.slice(), down = h.slice();
  up[i] += STEP;
  down[i] -= STEP;
  return (perReference(up, shape, options).loss - perReference(down, shape, options).loss) /
    (2 * STEP);
}

Deno.test("property: Monte Carlo gradients match central finite differences", () => {
  fc.assert(
    fc.property(points, ({ n, d, h, at, s, seed, reduction }) => {
      const o = { projections: s, seed, reduction };
      const reference = perReference(h, [n, d], o);
      const kernels = perLossAndGrad(h, [n, d], o);
      const bounds = monteCarloBounds(
        { n, d, h, kind: "grid" },
        s,
        seed,
        reduction,
        reference.loss,
      );
      const theta = directions(d, s, seed);
      const scale = reduction === "mean" ? 1 / (n * s) : 1 / s;
      for (const i of at) {
        const fd = centralDifference(h, [n, d], o, i);
        // Truncation: (δ²/6)·max|f‴|·Σ_k |θ_ki|³ times the reduction's scale; rounding: the
        // float64 loss to a few ulps per term, divided by 2δ.
        let cubes = 0;
        for (let k = 0; k < s; k++) cubes += Math.abs(theta[k * d + (i % d)]) ** 3;
        const truncation = (STEP * STEP / 6) * F3 * cubes * scale;
        const rounding = 8 * n * s * 2 ** -52 * reference.loss / STEP;
        const tolerance = truncation + rounding;
        const what = `(${n}, ${d}) s=${s} seed=${seed} ${reduction} h[${i}]`;
        const error = Math.abs(reference.grad[i] - fd);
        assert.ok(
          error <= tolerance,
          `${what}: reference ${reference.grad[i]}, difference ${fd}, error ` +
            `${error.toExponential(2)} > ${tolerance.toExponential(2)}`,
        );
        const kernelError = Math.abs(kernels.grad[i] - fd);
        assert.ok(
          kernelError <= tolerance + bounds.grad[i],
          `${what}: kernels ${kernels.grad[i]}, difference ${fd}, error ` +
            `${kernelError.toExponential(2)} > ${(tolerance + bounds.grad[i]).toExponential(2)}`,
        );
      }
    }),
    runs(500),
  );
});

Deno.test("property: exact-mode gradients match central finite differences", () => {
  fc.assert(
    fc.property(points, ({ n, d, h, at, reduction }) => {
      const o = { projections: Infinity, reduction };
      const reference = perReference(h, [n, d], o);
      const kernels = perLossAndGrad(h, [n, d], o);
      const max = Math.max(...reference.grad.map(Math.abs));
      for (const i of at) {
        const fd = centralDifference(h, [n, d], o, i);
        // The exact loss is as smooth as f, with curvature at most that of one direction;
        // the quadrature is float64 to about 1e-14 of the loss, divided by 2δ.
        const scale = reduction === "mean" ? 1 / n : 1;
        const tolerance = (STEP * STEP / 6) * F3 * scale + 1e-13 * reference.loss / STEP;
        const what = `(${n}, ${d}) exact ${reduction} h[${i}]`;
        const error = Math.abs(reference.grad[i] - fd);
        assert.ok(
          error <= tolerance,
          `${what}: reference ${reference.grad[i]}, difference ${fd}, error ` +
            `${error.toExponential(2)} > ${tolerance.toExponential(2)}`,
        );
        // The kernels' exact mode: within 1e-6 of the largest entry (as in the agreement test).
        const kernelError = Math.abs(kernels.grad[i] - fd);
        assert.ok(
          kernelError <= tolerance + 1e-6 * max + 2 ** -24 * Math.abs(fd),
          `${what}: kernels ${kernels.grad[i]}, difference ${fd}`,
        );
      }
    }),
    runs(500),
  );
});
