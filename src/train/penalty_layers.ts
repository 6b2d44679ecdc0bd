/**
 * Ready-made activity penalty layers: PER (Monte Carlo or exact), and the L1 and L2
 * activation penalties it is compared with.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { ActivityPenalty } from "./activity_penalty.ts";
import { perOp } from "./tfjs_per.ts";
import type { Layout } from "../layout.ts";
import type { Reduction } from "../options.ts";
import type { Sampler } from "../directions.ts";

/** Options of {@linkcode perLayer}. */
export interface PerLayerOptions {
  /** The weight λ of PER in the loss, ≥ 0. */
  lambda: number;
  /** Directions per step s (default 256); Infinity for the exact mode. */
  projections?: number;
  /** `mean` (default) or `sum` (the paper's Algorithm 1: summed over the batch). */
  reduction?: Reduction;
  /** How the input's shape maps to samples × units (default `flat`). */
  layout?: Layout;
  /** `gaussian` (default) or `orthogonal` directions. */
  sampler?: Sampler;
  /**
   * Seed of the directions (default 0). With fresh directions, step t uses seed + t; layers
   * given the same seed then share each step's directions (when their widths agree), which
   * the kernels' direction cache turns into one draw per step instead of one per layer.
   */
  seed?: number;
  /**
   * New directions every training step (default true), as the paper's Algorithm 1 draws
   * them; false keeps the seed's directions for the whole run.
   */
  freshDirections?: boolean;
  /** A name for the layer. */
  name?: string;
}

/**
 * A pass-through layer adding λ·PER(input) to the loss of `model.fit`.
 *
 * Place it where the activations should follow N(0, I); the training script puts it on
 * each hidden layer's pre-activations (the input of the ReLU).
 *
 * @param options λ, directions and reduction; see {@linkcode PerLayerOptions}
 * @returns the layer, to `apply` to a symbolic tensor
 * @throws {RangeError} for a negative or non-finite λ or a bad seed
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { perLayer } from "./penalty_layers.ts";
 *
 * await tf.setBackend("cpu");
 * const input = tf.input({ shape: [8] });
 * const pre = tf.layers.dense({ units: 16 }).apply(input) as tf.SymbolicTensor;
 * const regularized = perLayer({ lambda: 0.1, projections: 64 }).apply(pre);
 * const hidden = tf.layers.reLU().apply(regularized) as tf.SymbolicTensor;
 * const output = tf.layers.dense({ units: 2, activation: "softmax" }).apply(hidden);
 * const model = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
 * model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
 * const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0], "int32"), 2);
 * await model.fit(tf.randomNormal([4, 8]), y, { epochs: 1, verbose: 0 });
 * ```
 */
export function perLayer(options: PerLayerOptions): ActivityPenalty {
  const base = options.seed ?? 0;
  if (!Number.isSafeInteger(base) || base < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${base}`);
  }
  const fresh = options.freshDirections ?? true;
  const perOptions = {
    projections: options.projections ?? 256,
    reduction: options.reduction ?? "mean",
    layout: options.layout ?? "flat",
    sampler: options.sampler ?? "gaussian",
  };
  return new ActivityPenalty({
    name: options.name,
    lambda: options.lambda,
    penalty: (x, step) => perOp(x, { ...perOptions, seed: fresh ? base + step : base }),
  });
}

/** Options of {@linkcode l1Layer} and {@linkcode l2Layer}. */
export interface NormLayerOptions {
  /** The penalty's weight λ, ≥ 0. */
  lambda: number;
  /** A name for the layer. */
  name?: string;
}

/**
 * A pass-through layer adding λ·mean(|x|) over all elements of its input to the loss.
 *
 * @param options λ and an optional name
 * @returns the layer
 * @throws {RangeError} for a negative or non-finite λ
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { l1Layer } from "./penalty_layers.ts";
 * assert.ok(l1Layer({ lambda: 0.01 }).lambda === 0.01);
 * ```
 */
export function l1Layer(options: NormLayerOptions): ActivityPenalty {
  return new ActivityPenalty({
    name: options.name,
    lambda: options.lambda,
    penalty: (x) => tf.mean(tf.abs(x)) as tf.Scalar,
  });
}

/**
 * A pass-through layer adding λ·mean(x²) over all elements of its input to the loss.
 *
 * @param options λ and an optional name
 * @returns the layer
 * @throws {RangeError} for a negative or non-finite λ
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { l2Layer } from "./penalty_layers.ts";
 * assert.ok(l2Layer({ lambda: 0.01 }).lambda === 0.01);
 * ```
 */
export function l2Layer(options: NormLayerOptions): ActivityPenalty {
  return new ActivityPenalty({
    name: options.name,
    lambda: options.lambda,
    penalty: (x) => tf.mean(tf.square(x)) as tf.Scalar,
  });
}
