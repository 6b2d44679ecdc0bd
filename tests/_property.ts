/**
 * Helpers of the property tests: run counts and seeds from the environment, generators of
 * activations with the extremes included, and the forward error bounds the kernels' float32
 * arithmetic must stay within.
 *
 * @module
 */

import fc from "fast-check";
import { directions } from "../mod.ts";

/**
 * fast-check's parameters for one property: `PER_PROPERTY_RUNS` overrides the number of runs
 * (`deno task test` keeps the defaults, a few seconds each on 2 cores), `PER_PROPERTY_SEED`
 * replays the seed a failure printed (with `PER_PROPERTY_PATH`, its shrunk case directly).
 */
export function runs(defaultRuns: number): fc.Parameters<unknown> {
  const env = (name: string) => Deno.env.get(name);
  const count = env("PER_PROPERTY_RUNS");
  const seed = env("PER_PROPERTY_SEED");
  const path = env("PER_PROPERTY_PATH");
  return {
    numRuns: count === undefined ? defaultRuns : positive("PER_PROPERTY_RUNS", count),
    ...(seed === undefined ? {} : { seed: Number(seed) | 0 }),
    ...(path === undefined ? {} : { path }),
  };
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} is "${text}"`);
  return n;
}

/** A batch of n samples of d units, row-major float32. */
export interface Batch {
  n: number;
  d: number;
  h: Float32Array;
  /** How the values were drawn, for failure messages. */
  kind: string;
}

const F32_BIG = Math.fround(1e30);

/** Values that break careless float32 code: zeros, subnormals, the normal limits, ±1e30. */
export const EXTREMES: readonly number[] = [
  0,
  -0,
  2 ** -149,
  -(2 ** -149),
  1e-40,
  -3e-42,
  2 ** -126,
  -(2 ** -126),
  F32_BIG,
  -F32_BIG,
  1,
  -1,
];

/** One activation: mostly moderate, with the extremes and every float32 magnitude mixed in. */
const extremeValue: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...EXTREMES) },
  {
    weight: 1,
    arbitrary: fc.float({ min: -F32_BIG, max: F32_BIG, noNaN: true, noDefaultInfinity: true }),
  },
);

/**
 * A moderate activation: 2^-20 ≤ |x| ≤ 4, or zero. Smaller magnitudes go to zero: a gradient
 * that is itself subnormal cannot be within 1e-6 of its largest entry in float32, so the
 * README's tolerances speak of values in the normal range (the extremes have their own bound).
 */
const moderateValue: fc.Arbitrary<number> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.float({ min: -4, max: 4, noNaN: true }).map((x) =>
      Math.abs(x) < 2 ** -20 ? 0 : x
    ),
  },
  { weight: 1, arbitrary: fc.constant(0) },
);

/**
 * Batches of up to `maxN` × `maxD` values: independent values (moderate, or with extremes),
 * all rows equal, all zeros, or rows scaled by powers of ten from 1e-40 to 1e30. B = 1 and
 * d = 1 are the smallest sizes, and shrinking goes toward them.
 *
 * @param maxN most samples
 * @param maxD most units
 * @param extremes whether values outside |x| ≤ 4 may appear
 */
export function batches(maxN: number, maxD: number, extremes = true): fc.Arbitrary<Batch> {
  const value = extremes ? extremeValue : moderateValue;
  return fc.record({ n: fc.integer({ min: 1, max: maxN }), d: fc.integer({ min: 1, max: maxD }) })
    .chain(({ n, d }) => {
      const independent = fc.array(value, { minLength: n * d, maxLength: n * d })
        .map((v) => ({ n, d, h: Float32Array.from(v), kind: "independent" }));
      const equalRows = fc.array(value, { minLength: d, maxLength: d }).map((row) => ({
        n,
        d,
        h: Float32Array.from({ length: n * d }, (_, i) => row[i % d]),
        kind: "equal rows",
      }));
      const zeros = fc.constant({ n, d, h: new Float32Array(n * d), kind: "zeros" });
      const scaled = fc.tuple(
        fc.array(moderateValue, { minLength: n * d, maxLength: n * d }),
        fc.array(fc.integer({ min: -40, max: 30 }), { minLength: n, maxLength: n }),
      ).map(([v, exponents]) => ({
        n,
        d,
        h: Float32Array.from(v, (x, i) => x * 10 ** exponents[Math.floor(i / d)]),
        kind: "rows scaled by powers of ten",
      }));
      return extremes
        ? fc.oneof(
          { weight: 5, arbitrary: independent },
          { weight: 1, arbitrary: equalRows },
          { weight: 1, arbitrary: zeros },
          { weight: 2, arbitrary: scaled },
        )
        : fc.oneof({ weight: 5, arbitrary: independent }, { weight: 1, arbitrary: equalRows });
    });
}

/** Unit roundoff of float32. */
export const U32 = 2 ** -24;

/** Largest error of the kernels' erf(t/√2) and of f(t) (relative), from the README. */
export const ERF_ERROR = 4e-7;

/** The error bounds of one Monte Carlo call, computed in float64 from its inputs. */
export interface Bounds {
  /** Bound on |loss − reference loss|. */
  loss: number;
  /** Bound on |grad[i] − reference grad[i]| for each i. */
  grad: Float64Array;
}

/**
 * A priori bounds on how far a float32 Monte Carlo PER call may be from the float64
 * reference on the same float32 inputs, for any finite input however extreme.
 *
 * The projection t = θ·h is a float32 dot product of d terms: |Δt| ≤ (d + 2)·u·Σ|θ_j h_j|
 * plus d smallest subnormals for products that underflow. f is 1-Lipschitz and computed within
 * 4e-7 relative, so each loss term moves by |Δt| + 4e-7·f(t); the sum over n·s terms adds
 * (n + s + 4)·u of the loss. erf(t/√2) has slope at most √(2/π), is within 4e-7, and never
 * moves by more than 2, so each gradient term erf·θ_i moves by min(2, 0.8·|Δt|) + 4e-7 times
 * |θ_i|, and the second float32 product over s terms adds (s + 2)·u of Σ|θ_i|. Where the
 * projections cancel to nearly zero (values of 1e30 of both signs) the sign of t, and so of
 * erf, is not determined by float32, and the bound grows to match: there a relative
 * comparison of gradients means nothing.
 *
 * @param batch the activations
 * @param s projections
 * @param seed seed of the directions
 * @param reduction `mean` or `sum`
 * @param referenceLoss the reference loss, for the relative terms
 */
export function monteCarloBounds(
  batch: Batch,
  s: number,
  seed: number,
  reduction: "mean" | "sum",
  referenceLoss: number,
): Bounds {
  const { n, d, h } = batch;
  const theta = directions(d, s, seed);
  const scale = reduction === "mean" ? 1 / (n * s) : 1 / s;
  const underflow = d * 2 ** -149;
  let loss = 0;
  const grad = new Float64Array(n * d);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < s; k++) {
      let magnitude = 0;
      for (let j = 0; j < d; j++) magnitude += Math.abs(theta[k * d + j] * h[b * d + j]);
      const dt = (d + 2) * U32 * magnitude + underflow;
      loss += dt;
      const derf = Math.min(2, 0.8 * dt) + ERF_ERROR + (s + 2) * U32;
      for (let i = 0; i < d; i++) grad[b * d + i] += derf * Math.abs(theta[k * d + i]);
    }
  }
  for (let i = 0; i < grad.length; i++) grad[i] = grad[i] * scale + 4 * 2 ** -149;
  return {
    loss: loss * scale + (ERF_ERROR + (n + s + 4) * U32) * Math.abs(referenceLoss),
    grad,
  };
}

/**
 * The first index where |actual − expected| exceeds its bound, with a description, or
 * `undefined` when every element is within.
 */
export function firstOutside(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  bound: (i: number) => number,
): string | undefined {
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= bound(i))) {
      return `[${i}]: ${actual[i]}, expected ${expected[i]} (error ${
        error.toExponential(2)
      } > bound ${bound(i).toExponential(2)})`;
    }
  }
  return undefined;
}

/** The largest magnitude in an array. */
export function largest(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}
