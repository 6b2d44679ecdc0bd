/**
 * A pass-through tfjs-layers layer that adds a penalty on its input to the model's loss.
 *
 * tfjs-layers 4.22 accepts an `activityRegularizer` when a layer is built but throws
 * "not supported yet" when the layer is called, so activity penalties need another way in.
 * `model.fit` adds every layer's `losses` (closures registered with `addLoss`) to the task
 * loss inside the same gradient tape, and calls them right after the forward pass. This
 * layer registers one closure, once, that hands over the penalty computed by the latest
 * training call, so the penalty is part of the loss that `fit` minimizes and reports.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/**
 * A penalty: a scalar function of the activations. `step` counts the layer's training calls
 * from 0, for penalties that change per step (fresh random directions).
 */
export type PenaltyFn = (x: tf.Tensor, step: number) => tf.Scalar;

/** Arguments of {@linkcode ActivityPenalty}. */
export interface ActivityPenaltyArgs {
  /** The penalty of the layer's input. */
  penalty: PenaltyFn;
  /** Its weight λ ≥ 0 in the loss; 0 skips the penalty's computation. */
  lambda: number;
  /** A name for the layer (tfjs makes one up when absent). */
  name?: string;
}

/**
 * Returns its input unchanged and, in training calls (`model.fit`), adds λ·penalty(input)
 * to the model's loss. Inference and `model.evaluate` compute no penalty.
 *
 * The layer holds no weights and cannot be serialized: its penalty is a function. A layer
 * instance belongs to one place in one model.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { ActivityPenalty } from "./activity_penalty.ts";
 *
 * await tf.setBackend("cpu");
 * const input = tf.input({ shape: [4] });
 * const hidden = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
 * const l2 = (x: tf.Tensor) => tf.mean(tf.square(x)) as tf.Scalar;
 * const penalized = new ActivityPenalty({ penalty: l2, lambda: 0.1 }).apply(hidden);
 * const output = tf.layers.dense({ units: 1 }).apply(penalized) as tf.SymbolicTensor;
 * const model = tf.model({ inputs: input, outputs: output });
 * model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
 * await model.fit(tf.ones([2, 4]), tf.ones([2, 1]), { epochs: 1, verbose: 0 });
 * ```
 */
export class ActivityPenalty extends tf.layers.Layer {
  /** The class name tfjs-layers reports for this layer. */
  static className = "ActivityPenalty";

  /** The penalty's weight λ. */
  readonly lambda: number;
  /** The penalty function. */
  readonly penalty: PenaltyFn;
  #step = 0;
  #pending: tf.Scalar | undefined;

  /**
   * @param args the penalty, its weight and an optional layer name
   * @throws {TypeError} when penalty is not a function
   * @throws {RangeError} when lambda is negative or not finite
   */
  constructor(args: ActivityPenaltyArgs) {
    super({ name: args.name, trainable: false });
    if (typeof args.penalty !== "function") {
      throw new TypeError("penalty must be a function of a tensor returning a scalar");
    }
    if (!Number.isFinite(args.lambda) || args.lambda < 0) {
      throw new RangeError(`lambda must be a finite number ≥ 0, got ${args.lambda}`);
    }
    this.lambda = args.lambda;
    this.penalty = args.penalty;
    // One closure for the layer's lifetime: addLoss appends, so adding per call would grow
    // the loss list each step.
    this.addLoss(() => this.#take());
  }

  /** Training calls so far: the step number the next training call passes to penalty. */
  get step(): number {
    return this.#step;
  }

  /**
   * Returns the input (a copy that shares its data). In a training call, also computes
   * λ·penalty(input) for the model's loss.
   *
   * @param inputs one tensor
   * @param kwargs tfjs's call arguments; `training: true` during `model.fit`
   * @returns the input, unchanged
   */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { training?: boolean },
  ): tf.Tensor {
    const x = Array.isArray(inputs) ? single(inputs) : inputs;
    if (kwargs?.training === true && this.lambda > 0) {
      this.#pending?.dispose();
      const value = this.penalty(x, this.#step++);
      this.#pending = tf.mul(value, this.lambda) as tf.Scalar;
    }
    // A clone, not x itself: tfjs-layers releases intermediate tensors per layer output and
    // must not see one tensor as two layers' outputs.
    return tf.clone(x);
  }

  /** The pending penalty, handed over once; zero when no training call preceded. */
  #take(): tf.Scalar {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending ?? tf.scalar(0);
  }

  /** tfjs-layers' configuration: λ only, as the penalty function cannot be serialized. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), lambda: this.lambda };
  }
}

function single(inputs: tf.Tensor[]): tf.Tensor {
  if (inputs.length !== 1) {
    throw new RangeError(`ActivityPenalty takes one input, got ${inputs.length}`);
  }
  return inputs[0];
}
