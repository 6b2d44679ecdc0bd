/**
 * What PER costs per training step on its own, apart from the network: loss and gradient
 * of every hidden layer's batch of pre-activations through the tfjs op, Monte Carlo against
 * exact mode, timed back to back in one process so that machine load hits both alike.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { perOp } from "./tfjs_per.ts";

/** Median milliseconds per step for one PER mode. */
export interface PenaltyCost {
  /** `monte carlo, s = 256, fresh directions` and so on. */
  mode: string;
  /** Directions (Infinity for exact). */
  projections: number;
  /** Median time of one step's PER (all layers, loss and gradient), ms. */
  medianMs: number;
}

/**
 * Times PER's loss and gradient for `depth` layers of batch × width activations, as one
 * training step needs them: Monte Carlo with 256 fresh directions per step (one draw shared
 * by the layers, as the training script does), Monte Carlo with fixed directions (no draw),
 * and exact mode. Rounds alternate between the modes.
 *
 * @param batch samples per step
 * @param width units per layer
 * @param depth layers
 * @param rounds timed steps per mode (after 5 untimed ones)
 * @returns one entry per mode
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { penaltyCost } from "./penalty_cost.ts";
 * await tf.setBackend("cpu");
 * const costs = penaltyCost(16, 8, 2, 3);
 * assert.ok(costs.length === 3 && costs.every((c) => c.medianMs >= 0));
 * ```
 */
export function penaltyCost(
  batch: number,
  width: number,
  depth: number,
  rounds = 40,
): PenaltyCost[] {
  const modes = [
    { mode: "Monte Carlo, s = 256, fresh directions each step", projections: 256, fresh: true },
    { mode: "Monte Carlo, s = 256, fixed directions", projections: 256, fresh: false },
    { mode: "exact", projections: Infinity, fresh: false },
  ];
  const layers = Array.from(
    { length: depth },
    (_, k) => tf.randomNormal([batch, width], 0, 1, "float32", 100 + k),
  );
  const times = modes.map(() => [] as number[]);
  for (let round = 0; round < rounds + 5; round++) {
    modes.forEach((m, i) => {
      const seed = m.fresh ? 1_000_000 + round : 7;
      const start = performance.now();
      tf.tidy(() => {
        const grads = tf.grads((...hs: tf.Tensor[]) =>
          tf.addN(hs.map((h) => perOp(h, { projections: m.projections, seed }))) as tf.Scalar
        )(layers);
        for (const g of grads) g.dataSync();
      });
      if (round >= 5) times[i].push(performance.now() - start);
    });
  }
  tf.dispose(layers);
  return modes.map((m, i) => ({
    mode: m.mode,
    projections: m.projections,
    medianMs: median(times[i]),
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
