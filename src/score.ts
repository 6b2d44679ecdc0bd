/**
 * score(): how far a batch of activations is from N(0, I). Exact sliced Wasserstein
 * distances over the same directions as the Monte Carlo PER, the exact-mode PER, and
 * per-unit summaries.
 *
 * @module
 */

import { slicedTermsReference } from "./backends/reference_score.ts";
import { slicedTermsWasm } from "./backends/wasm_score.ts";
import { directions, normalizeDirections, type Sampler } from "./directions.ts";
import { describeValue } from "./describe.ts";
import { assertFiniteResult, assertFloat32Finite } from "./finite.ts";
import { gatherRows, type Layout, type SampleShape, sampleShape } from "./layout.ts";
import type { Backend } from "./options.ts";
import { perKernels, perLoss } from "./per.ts";
import { quantileTable } from "./quantiles.ts";
import { unitStatistics } from "./unit_statistics.ts";

/** Options of score(). */
export interface ScoreOptions {
  /** Directions for per, sw1 and sw2 (default 256); a positive integer. */
  projections?: number;
  /** Seed of the directions (default 0), as for perLoss. */
  seed?: number;
  /** Explicit directions, s×d row-major, normalized by the library. */
  theta?: Float32Array | Float64Array | readonly number[];
  /** How the shape maps to samples × units (default `flat`). */
  layout?: Layout;
  /** `gaussian` (default) or `orthogonal` directions. */
  sampler?: Sampler;
  /** `auto`/`wasm` (default): the kernels; `js`: the float64 reference. */
  backend?: Backend;
  /** Include the per-direction values (default false). */
  perProjection?: boolean;
}

/** What score() reports. Every field is a finite number (or arrays of them). */
export interface ScoreResult {
  /** n: number of samples. */
  samples: number;
  /** d: units per sample. */
  dim: number;
  /** s: number of directions used for per, sw1 and sw2. */
  projections: number;
  /** The seed of the directions (unused when `theta` was given). */
  seed: number;
  /** Where the directions came from: `gaussian`, `orthogonal` or `theta` (explicit). */
  directions: Sampler | "theta";
  /** The backend that computed the result. */
  backend: "wasm" | "js";
  /** Monte Carlo PER on the same directions (mean reduction). */
  per: number;
  /** PER in exact mode: the expectation over all directions. */
  perExact: number;
  /** Sliced 1-Wasserstein distance to N(0, I): the mean over directions of W1. */
  sw1: number;
  /** Sliced 2-Wasserstein distance: √(mean over directions of W2²). */
  sw2: number;
  /** Mean of each unit over the samples. */
  unitMean: number[];
  /** Standard deviation of each unit (n in the denominator). */
  unitStd: number[];
  /** Fraction of units that are exactly 0 on every sample. */
  deadFraction: number;
  /** ‖C − I‖_F / d for the covariance C (n in the denominator). */
  covDistance: number;
  /** Per-direction values, when asked for with `perProjection`. */
  perProjection?: { per: number[]; w1: number[]; w2: number[] };
}

const KNOWN = new Set([
  "projections",
  "seed",
  "theta",
  "layout",
  "sampler",
  "backend",
  "perProjection",
]);

/**
 * Scores activations against N(0, I).
 *
 * @param h activations (float32, or float64 rounded once to float32)
 * @param shape their shape, read through `options.layout`
 * @param options directions, layout, backend
 * @returns distances, PER values and per-unit summaries
 * @throws {RangeError} for a bad shape or option, or a NaN or infinite activation
 * @throws {TypeError} for arguments of the wrong type or an unknown option
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { score } from "../mod.ts";
 * const h = new Float32Array(512).map((_, i) => Math.sin(i * 1.7));
 * const result = score(h, [128, 4], { projections: 32, seed: 1 });
 * assert.ok(result.sw1 <= result.per && result.samples === 128);
 * ```
 */
export function score(
  h: Float32Array | Float64Array,
  shape: readonly number[],
  options: ScoreOptions = {},
): ScoreResult {
  if (!(h instanceof Float32Array || h instanceof Float64Array)) {
    throw new TypeError("activations must be a Float32Array or Float64Array");
  }
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError("options must be an object such as { projections: 256 }");
  }
  if (options.perProjection !== undefined && typeof options.perProjection !== "boolean") {
    throw new TypeError(
      `perProjection must be true or false, got ${describeValue(options.perProjection)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`unknown option "${key}"`);
  }
  const view = sampleShape(shape, h.length, options.layout ?? "flat");
  const { theta, seed, origin } = directionsOf(options, view.dim);
  const backend = options.backend === "js" ? "js" : "wasm";
  if (options.backend === "webgpu") {
    throw new RangeError(
      'backend "webgpu" runs asynchronously: create an engine with ' +
        'createEngine({ backend: "webgpu" }) and await its score',
    );
  }
  if (options.backend !== undefined && !["auto", "wasm", "js"].includes(options.backend)) {
    throw new RangeError(
      `backend must be "auto", "wasm", "webgpu" or "js", got ${options.backend}`,
    );
  }

  const quantiles = quantileTable(view.samples);
  const terms = backend === "wasm"
    ? slicedTermsWasm(perKernels(), h, view, theta, quantiles)
    : referenceTerms(h, view, theta, quantiles);
  const s = terms.w1.length;
  const mean = (values: Float64Array) => values.reduce((a, b) => a + b, 0) / values.length;
  const stats = unitStatistics(h, view, backend === "wasm" ? perKernels() : undefined);
  const result: ScoreResult = {
    samples: view.samples,
    dim: view.dim,
    projections: s,
    seed,
    directions: origin,
    backend,
    per: mean(terms.per),
    perExact: perLoss(h, shape, {
      projections: Infinity,
      layout: view.layout,
      backend,
    }),
    sw1: mean(terms.w1),
    sw2: Math.sqrt(mean(terms.w2Squared)),
    unitMean: Array.from(stats.mean),
    unitStd: Array.from(stats.std),
    deadFraction: stats.deadFraction,
    covDistance: stats.covDistance,
  };
  for (const key of ["per", "sw1", "sw2"] as const) assertFiniteResult(result[key], key, h, view);
  if (options.perProjection) {
    result.perProjection = {
      per: Array.from(terms.per),
      w1: Array.from(terms.w1),
      w2: Array.from(terms.w2Squared, Math.sqrt),
    };
  }
  return result;
}

function directionsOf(
  options: ScoreOptions,
  d: number,
): { theta: Float32Array; seed: number; origin: Sampler | "theta" } {
  const seed = options.seed ?? 0;
  if (options.theta !== undefined) {
    if (options.projections !== undefined && options.projections * d !== options.theta.length) {
      throw new RangeError(
        `projections is ${options.projections} but theta holds ${options.theta.length / d} ` +
          `directions of dimension ${d}`,
      );
    }
    return { theta: normalizeDirections(options.theta, d), seed, origin: "theta" };
  }
  const s = options.projections ?? 256;
  if (!Number.isSafeInteger(s) || s < 1) {
    throw new RangeError(
      `projections must be a positive integer for score(), got ${describeValue(s)}`,
    );
  }
  const sampler = options.sampler ?? "gaussian";
  return { theta: directions(d, s, seed, sampler), seed, origin: sampler };
}

function referenceTerms(
  h: Float32Array | Float64Array,
  view: SampleShape,
  theta: Float32Array,
  quantiles: ReturnType<typeof quantileTable>,
) {
  assertFloat32Finite(h);
  const rows = new Float64Array(view.samples * view.dim);
  gatherRows(h, view, 0, view.samples, rows, 0, view.dim);
  for (let i = 0; i < rows.length; i++) rows[i] = Math.fround(rows[i]);
  return slicedTermsReference(rows, view.samples, view.dim, theta, quantiles);
}
