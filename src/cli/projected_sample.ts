/**
 * The projected activations θ_k·h_i that the plots show, pooled over directions, from a
 * bounded sample of the batch so that plotting a huge layer stays quick.
 *
 * @module
 */

import { directions, type ScoreResult } from "../../mod.ts";
import { gatherRows, type SampleShape } from "../layout.ts";

/** Most projected values a plot is drawn from: enough for a smooth histogram and QQ plot. */
export const MAX_PLOT_VALUES = 100_000;

/** Projected values and how many samples and directions they came from. */
export interface ProjectedSample {
  /** θ_k·h_i for the chosen samples i and directions k, in float64. */
  values: Float64Array;
  /** How many samples were used (evenly spread over the batch). */
  samples: number;
  /** How many directions were used (the first ones). */
  directions: number;
}

/**
 * Projects activations onto unit directions: every sample and direction when n·s is at most
 * `limit`, otherwise evenly spaced samples (and, if s alone exceeds the limit, the first
 * directions), so that the pooled values still represent the whole batch.
 *
 * @param h the activations in their layout
 * @param view how they map to samples × units
 * @param theta unit directions, s×d row-major
 * @param limit most values to return (default MAX_PLOT_VALUES)
 * @returns the projected values and the counts used
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { projectedSample } from "./projected_sample.ts";
 * import { sampleShape } from "../layout.ts";
 * const view = sampleShape([2, 2], 4);
 * const { values } = projectedSample(new Float32Array([1, 2, 3, 4]), view, [1, 0, 0, 1]);
 * assert.ok(values.join() === "1,2,3,4");
 * ```
 */
export function projectedSample(
  h: Float32Array | Float64Array,
  view: SampleShape,
  theta: ArrayLike<number>,
  limit: number = MAX_PLOT_VALUES,
): ProjectedSample {
  const d = view.dim;
  const directions = Math.min(theta.length / d, limit);
  const samples = Math.min(view.samples, Math.max(1, Math.floor(limit / directions)));
  const values = new Float64Array(samples * directions);
  const row = new Float64Array(d);
  for (let m = 0; m < samples; m++) {
    // Evenly spaced over the batch, so that a sorted or grouped batch is still covered.
    const i = Math.floor((m * view.samples) / samples);
    gatherRows(h, view, i, i + 1, row, 0, d);
    // The kernels see float32 activations; the plot shows the same values.
    for (let j = 0; j < d; j++) row[j] = Math.fround(row[j]);
    for (let k = 0; k < directions; k++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += theta[k * d + j] * row[j];
      values[m * directions + k] = dot;
    }
  }
  return { values, samples, directions };
}

/**
 * The unit directions a score() result was computed on: the normalized explicit directions
 * when there were some, otherwise the seeded ones drawn again (a pure function of seed,
 * dimension, count and sampler), so that the plots show the projections the numbers describe.
 *
 * @param result what score() returned
 * @param dim units per sample
 * @param theta the explicit directions, normalized, if score() was given some
 * @returns s×d unit directions, row-major
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { score } from "../../mod.ts";
 * import { scoredDirections } from "./projected_sample.ts";
 * const result = score(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2], { projections: 3 });
 * assert.ok(scoredDirections(result, 2).length === 6);
 * ```
 */
export function scoredDirections(
  result: Pick<ScoreResult, "projections" | "seed" | "directions">,
  dim: number,
  theta?: Float32Array,
): Float32Array {
  if (theta !== undefined) return theta;
  if (result.directions === "theta") {
    throw new RangeError("the result used explicit directions, but none were passed");
  }
  return directions(dim, result.projections, result.seed, result.directions);
}
