/**
 * How far each hidden layer's activations are from N(0, I), by the library's score():
 * the sliced Wasserstein distances SW1 and SW2 (MATH.md §4).
 *
 * @module
 */

import { score } from "../score.ts";

/** One hidden layer's scores. */
export interface LayerScore {
  /** SW1 of the layer's activations to N(0, I). */
  sw1: number;
  /** SW2 of the same. */
  sw2: number;
  /** PER in exact mode (mean reduction): the upper bound on SW1 that PER minimizes. */
  perExact: number;
  /**
   * Fraction of units whose pre-activation is ≤ 0 on every sample: ReLUs that output 0 for
   * the whole set (computed here from the activations, not by score()).
   */
  deadReluFraction: number;
  /** ‖C − I‖_F / d for the units' covariance C. */
  covDistance: number;
  /** Mean over units of each unit's standard deviation. */
  meanUnitStd: number;
}

/**
 * Scores each layer's activations with the library's score().
 *
 * The activations are pre-activations, so no unit is exactly 0 everywhere; the dead ReLU
 * fraction (units ≤ 0 on every sample) is counted here instead of score()'s dead units.
 *
 * @param layers per layer, n × width activations (row-major)
 * @param samples n
 * @param width units per layer
 * @param seed seed of score()'s directions, the same for every layer and variant
 * @returns one score per layer, in order
 * @throws {RangeError} for a non-finite activation or a shape that does not fit
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreLayers } from "./layer_scores.ts";
 * const h = new Float32Array(100 * 4).map((_, i) => Math.sin(i));
 * const [first] = scoreLayers([h], 100, 4, 0);
 * assert.ok(first.sw1 > 0 && first.sw1 <= first.perExact + 0.1);
 * ```
 */
export function scoreLayers(
  layers: readonly Float32Array[],
  samples: number,
  width: number,
  seed: number,
): LayerScore[] {
  return layers.map((h) => {
    const r = score(h, [samples, width], { seed });
    const meanUnitStd = r.unitStd.reduce((a, b) => a + b, 0) / r.unitStd.length;
    return {
      sw1: r.sw1,
      sw2: r.sw2,
      perExact: r.perExact,
      deadReluFraction: deadRelus(h, samples, width),
      covDistance: r.covDistance,
      meanUnitStd,
    };
  });
}

function deadRelus(h: Float32Array, samples: number, width: number): number {
  let dead = 0;
  for (let unit = 0; unit < width; unit++) {
    let alive = false;
    for (let i = 0; i < samples && !alive; i++) alive = h[i * width + unit] > 0;
    if (!alive) dead++;
  }
  return dead / width;
}
