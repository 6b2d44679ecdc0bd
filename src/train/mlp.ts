/**
 * The network of the study: a deep ReLU multilayer perceptron, built for one variant.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { l1Layer, l2Layer, perLayer } from "./penalty_layers.ts";
import { SeededRandom } from "./seeded_random.ts";
import type { Variant } from "./variants.ts";

/** Shape and seed of the network. */
export interface MlpConfig {
  /** Input features (784 for MNIST). */
  inputs: number;
  /** Hidden layers (8 in the study). */
  depth: number;
  /** Units per hidden layer (256 in the study). */
  width: number;
  /** Output classes. */
  classes: number;
  /** Seed of the initial weights (and of PER's directions). */
  seed: number;
}

/** A built network. */
export interface Mlp {
  /** The classifier: softmax probabilities over the classes. */
  model: tf.LayersModel;
  /**
   * The same layers, returning each hidden layer's pre-activations (the ReLU's input: after
   * batch normalization in that variant), one [n, width] tensor per hidden layer.
   */
  probe: tf.LayersModel;
}

/**
 * Builds input → depth × (dense → [penalty | batch norm] → ReLU) → dense → softmax.
 *
 * Dense weights start from He's normal initialization (truncated, std √(2/fan-in)) and the
 * output layer from Glorot's, each layer with its own seed drawn from `config.seed`, biases
 * at zero. The variant decides what sits between a dense layer and its ReLU: nothing
 * (vanilla), a PER, L1 or L2 penalty layer on the pre-activations, or batch normalization
 * (whose dense layer then has no bias, which the normalization would cancel).
 *
 * @param variant the variant to build
 * @param config sizes and seed
 * @returns the model (not compiled) and its probe
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { buildMlp } from "./mlp.ts";
 *
 * await tf.setBackend("cpu");
 * const { model, probe } = buildMlp(
 *   { name: "vanilla", kind: "vanilla" },
 *   { inputs: 4, depth: 2, width: 8, classes: 3, seed: 1 },
 * );
 * assert.ok(model.outputs[0].shape[1] === 3 && probe.outputs.length === 2);
 * ```
 */
export function buildMlp(variant: Variant, config: MlpConfig): Mlp {
  const random = new SeededRandom(config.seed);
  const input = tf.input({ shape: [config.inputs], name: "pixels" });
  let x: tf.SymbolicTensor = input;
  const preActivations: tf.SymbolicTensor[] = [];
  for (let layer = 1; layer <= config.depth; layer++) {
    const batchnorm = variant.kind === "batchnorm";
    x = apply(
      tf.layers.dense({
        units: config.width,
        useBias: !batchnorm,
        kernelInitializer: tf.initializers.heNormal({ seed: random.nextUint32() }),
        name: `dense${layer}`,
      }),
      x,
    );
    const middle = between(variant, layer, config.seed);
    if (middle) x = apply(middle, x);
    preActivations.push(x);
    x = apply(tf.layers.reLU({ name: `relu${layer}` }), x);
  }
  const output = apply(
    tf.layers.dense({
      units: config.classes,
      activation: "softmax",
      kernelInitializer: tf.initializers.glorotNormal({ seed: random.nextUint32() }),
      name: "logits",
    }),
    x,
  );
  return {
    model: tf.model({ inputs: input, outputs: output }),
    probe: tf.model({ inputs: input, outputs: preActivations }),
  };
}

/** The layer between a hidden dense layer and its ReLU, if any. */
function between(variant: Variant, layer: number, seed: number): tf.layers.Layer | undefined {
  const lambda = variant.lambda ?? 0;
  switch (variant.kind) {
    case "vanilla":
      return undefined;
    case "batchnorm":
      return tf.layers.batchNormalization({ name: `norm${layer}` });
    case "l1":
      return l1Layer({ lambda, name: `l1_${layer}` });
    case "l2":
      return l2Layer({ lambda, name: `l2_${layer}` });
    case "per":
      // One direction seed for all layers: each step's directions are drawn once and
      // shared by the layers (see perLayer). Step t uses seed·1000003 + t, so runs with
      // different seeds never share directions within their first million steps.
      return perLayer({
        lambda,
        projections: variant.projections ?? 256,
        seed: seed * 1_000_003,
        name: `per${layer}`,
      });
  }
}

function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}
