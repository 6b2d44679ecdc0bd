/**
 * The options of the PER functions, and their validation into one resolved form that the
 * backends consume.
 *
 * @module
 */

import { checkDirectionValues, checkSeed, type Sampler } from "./directions.ts";
import { describeValue } from "./describe.ts";
import type { Layout } from "./layout.ts";

/**
 * Where the computation runs. `auto` picks the WebAssembly kernels in the synchronous
 * functions; an engine (createEngine, src/engine.ts) may pick `webgpu`. `webgpu` is
 * asynchronous and runs only through an engine.
 */
export type Backend = "auto" | "wasm" | "webgpu" | "js";

/** How per-sample terms combine into the loss. */
export type Reduction = "mean" | "sum";

/** Options of perLoss, perLossAndGrad and the batched call. */
export interface PerOptions {
  /**
   * Number of random directions s (default 256). `Infinity` selects the exact mode: the
   * expectation over all directions, computed from per-sample norms (MATH.md §3).
   */
  projections?: number;
  /**
   * Seed of the directions (default 0), an integer in [0, 2^53): the directions are a
   * pure function of (seed, d, s, sampler). Pass a new seed each training step for fresh
   * directions, as the paper's Algorithm 1 does.
   */
  seed?: number;
  /**
   * Explicit directions, s×d row-major, one per row; normalized by the library. A zero or
   * non-finite row is an error. Overrides seed and sampler; s is theta.length / d.
   */
  theta?: Float32Array | Float64Array | readonly number[];
  /**
   * `mean` (default): averaged over samples and directions. `sum`: summed over samples,
   * averaged over directions (the paper's Algorithm 1).
   */
  reduction?: Reduction;
  /** How the shape maps to samples × units: `flat` (default), `nchw` or `nhwc`. */
  layout?: Layout;
  /**
   * `gaussian` (default): independent directions. `orthogonal`: blocks of up to d
   * orthonormal directions, each block a uniformly random rotation (lower variance).
   */
  sampler?: Sampler;
  /**
   * `auto` (default) or `wasm`: the WebAssembly kernels; `js`: the float64 reference;
   * `webgpu`: only through createEngine, whose calls are asynchronous.
   */
  backend?: Backend;
  /**
   * Where perLossAndGrad writes the gradient: a Float32Array as long as the activations,
   * returned as `grad`. Without it each call allocates one; a training loop that reuses an
   * array saves the allocation and the first touch of fresh memory on every step.
   */
  gradInto?: Float32Array;
}

/** Options after validation. */
export interface ResolvedOptions {
  /** Monte Carlo over s directions, or the exact expectation. */
  readonly mode: "monteCarlo" | "exact";
  /** s for Monte Carlo (from projections or theta); Infinity in exact mode. */
  readonly projections: number;
  readonly seed: number;
  readonly theta: Float32Array | Float64Array | readonly number[] | undefined;
  readonly reduction: Reduction;
  readonly layout: Layout;
  readonly sampler: Sampler;
  readonly backend: Exclude<Backend, "auto" | "webgpu">;
  readonly gradInto: Float32Array | undefined;
}

const KNOWN = new Set([
  "projections",
  "seed",
  "theta",
  "reduction",
  "layout",
  "sampler",
  "backend",
  "gradInto",
]);

/**
 * Validates options; `dim` is d, needed to count the rows of an explicit theta.
 *
 * @throws {RangeError} for a value out of its domain, naming the option
 * @throws {TypeError} for an unknown option or a value of the wrong type
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveOptions } from "./options.ts";
 * assert.ok(resolveOptions({ projections: Infinity }, 4).mode === "exact");
 * ```
 */
export function resolveOptions(options: PerOptions | undefined, dim: number): ResolvedOptions {
  const o = options ?? {};
  if (typeof o !== "object" || Array.isArray(o)) {
    throw new TypeError("options must be an object such as { projections: 256 }");
  }
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`unknown option "${key}"`);
  }
  const reduction = o.reduction ?? "mean";
  if (reduction !== "mean" && reduction !== "sum") {
    throw new RangeError(`reduction must be "mean" or "sum", got ${String(reduction)}`);
  }
  const sampler = o.sampler ?? "gaussian";
  if (sampler !== "gaussian" && sampler !== "orthogonal") {
    throw new RangeError(`sampler must be "gaussian" or "orthogonal", got ${String(sampler)}`);
  }
  const backend = o.backend ?? "auto";
  if (backend === "webgpu") {
    throw new RangeError(
      'backend "webgpu" runs asynchronously: create an engine with ' +
        'createEngine({ backend: "webgpu" }) and await its perLoss or perLossAndGrad',
    );
  }
  if (backend !== "auto" && backend !== "wasm" && backend !== "js") {
    throw new RangeError(
      `backend must be "auto", "wasm", "webgpu" or "js", got ${String(backend)}`,
    );
  }
  const seed = checkSeed(o.seed ?? 0);
  const layout = o.layout ?? "flat";

  let projections = o.projections ?? 256;
  if (
    typeof projections !== "number" ||
    (projections !== Infinity && (!Number.isSafeInteger(projections) || projections < 1))
  ) {
    throw new RangeError(
      `projections must be a positive integer or Infinity, got ${describeValue(projections)}`,
    );
  }
  if (o.theta !== undefined) {
    if (
      !(o.theta instanceof Float32Array || o.theta instanceof Float64Array ||
        Array.isArray(o.theta))
    ) {
      throw new TypeError("theta must be a Float32Array, Float64Array or array of numbers");
    }
    if (o.theta.length === 0 || o.theta.length % dim !== 0) {
      throw new RangeError(
        `theta has ${o.theta.length} values, not a positive multiple of the dimension ${dim}`,
      );
    }
    const rows = o.theta.length / dim;
    if (o.projections !== undefined && o.projections !== rows) {
      throw new RangeError(
        `projections is ${String(o.projections)} but theta holds ${rows} directions of ` +
          `dimension ${dim}`,
      );
    }
    projections = rows;
  }
  if (projections !== Infinity) checkDirectionValues(projections, dim);
  return {
    mode: projections === Infinity ? "exact" : "monteCarlo",
    projections,
    seed,
    theta: o.theta,
    reduction,
    layout,
    sampler,
    backend: backend === "js" ? "js" : "wasm",
    gradInto: gradIntoOf(o.gradInto),
  };
}

function gradIntoOf(gradInto: unknown): Float32Array | undefined {
  if (gradInto === undefined) return undefined;
  if (!(gradInto instanceof Float32Array)) {
    throw new TypeError("gradInto must be a Float32Array as long as the activations");
  }
  return gradInto;
}
