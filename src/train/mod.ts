/**
 * PER for TensorFlow.js (`@tensorflow/tfjs` 4.22): a differentiable op whose value and
 * gradient come from this module's kernels, and pass-through layers that add PER (or an L1
 * or L2 activation penalty) of their input to the loss that `model.fit` minimizes.
 *
 * The op reads activations back synchronously, so it suits tfjs's `cpu` and `wasm`
 * backends. In Deno, start the wasm backend with {@linkcode useTfjsBackend}: it needs read
 * permission for its `.wasm` files ({@linkcode WASM_DIST}) and would otherwise fall back to
 * cpu without saying so.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { perLayer, useTfjsBackend } from "./mod.ts";
 *
 * await useTfjsBackend("cpu");
 * const input = tf.input({ shape: [784] });
 * let x = tf.layers.dense({ units: 64 }).apply(input) as tf.SymbolicTensor;
 * x = perLayer({ lambda: 0.1, projections: 256 }).apply(x) as tf.SymbolicTensor;
 * x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
 * const output = tf.layers.dense({ units: 10, activation: "softmax" }).apply(x);
 * const model = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
 * model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
 * ```
 *
 * @module
 */

export { perOp } from "./tfjs_per.ts";
export { ActivityPenalty, type ActivityPenaltyArgs, type PenaltyFn } from "./activity_penalty.ts";
export {
  l1Layer,
  l2Layer,
  type NormLayerOptions,
  perLayer,
  type PerLayerOptions,
} from "./penalty_layers.ts";
export { type TfjsBackend, useTfjsBackend, WASM_DIST } from "./tfjs_backend.ts";
