/**
 * One training run: a variant, a seed, some epochs of `model.fit` on a split of MNIST, with
 * accuracy after each epoch and the time of each step.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { buildMlp } from "./mlp.ts";
import { type Digits, MNIST_CLASSES, MNIST_PIXELS, type MnistSplit } from "./mnist.ts";
import { SeededRandom } from "./seeded_random.ts";
import type { Variant } from "./variants.ts";

/** What a run trains and how. */
export interface RunConfig {
  /** The variant. */
  variant: Variant;
  /** Seed of the weights, the batch order and PER's directions. */
  seed: number;
  /** The data. */
  data: MnistSplit;
  /** Passes over the training set, ≥ 1. */
  epochs: number;
  /** Samples per step, ≥ 1. */
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Hidden layers. */
  depth: number;
  /** Units per hidden layer. */
  width: number;
  /** Return the test set's pre-activations of each hidden layer after training. */
  keepActivations?: boolean;
  /** Called after every step, for progress bars. */
  onStep?: (progress: StepProgress) => void;
}

/** Where a run is. */
export interface StepProgress {
  /** Steps done. */
  step: number;
  /** Steps in the run. */
  steps: number;
  /** Current epoch, from 1. */
  epoch: number;
  /** The step's loss as `model.fit` reports it (task loss plus penalties). */
  loss: number;
}

/** Measurements after one epoch. */
export interface EpochRecord {
  /** The epoch, from 1. */
  epoch: number;
  /** Mean over the epoch's steps of the loss `model.fit` minimized (with penalties). */
  fitLoss: number;
  /** Accuracy on the validation set. */
  validationAccuracy: number;
  /** Accuracy on the test set. */
  testAccuracy: number;
}

/** A finished run. */
export interface RunResult {
  /** The variant's name. */
  variant: string;
  /** The run's seed. */
  seed: number;
  /** One record per epoch. */
  epochs: EpochRecord[];
  /** Test accuracy after the last epoch. */
  testAccuracy: number;
  /** Validation accuracy after the last epoch. */
  validationAccuracy: number;
  /** Cross-entropy on the whole training set after training, without penalties. */
  trainLoss: number;
  /** Median wall time of a training step (forward, penalties, backward, update), ms. */
  stepMs: number;
  /** Every step's wall time, ms, in order (empty in a result read back from a report). */
  stepTimes: number[];
  /** Quartiles of the step times, ms, kept where the step times themselves are not. */
  stepMsQuartiles?: number[];
  /** FNV-1a hash of the final weights' bytes, to compare runs for determinism. */
  weightsDigest: string;
  /** With keepActivations: per hidden layer, the test set's pre-activations [n, width]. */
  activations?: Float32Array[];
}

/**
 * Trains one network with Adam and `model.fit`, one epoch per `fit` call so that batches
 * follow a seeded permutation (tfjs's own shuffle draws from Math.random).
 *
 * @param config the variant, data, seed and schedule
 * @returns per-epoch accuracies, final measurements and step times
 * @throws {RangeError} for a non-positive epochs or batch size
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { mnistSplit } from "./mnist.ts";
 * import { trainRun } from "./train_run.ts";
 *
 * await tf.setBackend("cpu");
 * const data = mnistSplit(0, { train: 64, validation: 32, test: 32 });
 * const result = await trainRun({
 *   variant: { name: "vanilla", kind: "vanilla" }, seed: 1, data,
 *   epochs: 1, batchSize: 32, learningRate: 1e-3, depth: 2, width: 16,
 * });
 * assert.ok(result.epochs.length === 1);
 * ```
 */
export async function trainRun(config: RunConfig): Promise<RunResult> {
  const { data, epochs, batchSize } = config;
  if (!Number.isSafeInteger(epochs) || epochs < 1) {
    throw new RangeError(`epochs must be a positive integer, got ${epochs}`);
  }
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  }
  const { model, probe } = buildMlp(config.variant, {
    inputs: MNIST_PIXELS,
    depth: config.depth,
    width: config.width,
    classes: MNIST_CLASSES,
    seed: config.seed,
  });
  model.compile({
    optimizer: tf.train.adam(config.learningRate),
    loss: "categoricalCrossentropy",
  });

  const train = tensors(data.train);
  const validationX = tf.tensor2d(data.validation.images, [data.validation.count, MNIST_PIXELS]);
  const testX = tf.tensor2d(data.test.images, [data.test.count, MNIST_PIXELS]);
  const order = new SeededRandom(config.seed ^ 0x5eed);
  const stepsPerEpoch = Math.ceil(data.train.count / batchSize);
  const stepTimes: number[] = [];
  const records: EpochRecord[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const permutation = order.shuffle(
        Int32Array.from({ length: data.train.count }, (_, i) => i),
      );
      const index = tf.tensor1d(permutation, "int32");
      const x = tf.gather(train.x, index);
      const y = tf.gather(train.y, index);
      index.dispose();
      let began = 0;
      let lossSum = 0;
      try {
        await model.fit(x, y, {
          batchSize,
          epochs: 1,
          shuffle: false,
          verbose: 0,
          yieldEvery: "never",
          callbacks: {
            onBatchBegin: () => {
              began = performance.now();
            },
            onBatchEnd: (_batch, logs) => {
              stepTimes.push(performance.now() - began);
              const loss = logs?.loss ?? NaN;
              lossSum += loss;
              config.onStep?.({
                step: stepTimes.length,
                steps: stepsPerEpoch * epochs,
                epoch,
                loss,
              });
            },
          },
        });
      } finally {
        x.dispose();
        y.dispose();
      }
      records.push({
        epoch,
        fitLoss: lossSum / stepsPerEpoch,
        validationAccuracy: accuracy(model, validationX, data.validation.labels),
        testAccuracy: accuracy(model, testX, data.test.labels),
      });
    }
    const last = records[records.length - 1];
    return {
      variant: config.variant.name,
      seed: config.seed,
      epochs: records,
      testAccuracy: last.testAccuracy,
      validationAccuracy: last.validationAccuracy,
      trainLoss: crossEntropy(model, train.x, train.y),
      stepMs: median(stepTimes),
      stepTimes,
      weightsDigest: digest(model),
      activations: config.keepActivations ? preActivations(probe, testX) : undefined,
    };
  } finally {
    train.x.dispose();
    train.y.dispose();
    validationX.dispose();
    testX.dispose();
    // The optimizer's moment estimates are not the model's weights: dispose both.
    model.optimizer.dispose();
    model.dispose();
  }
}

function tensors(digits: Digits): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return {
    x: tf.tensor2d(digits.images, [digits.count, MNIST_PIXELS]),
    y: tf.tidy(() =>
      tf.oneHot(tf.tensor1d(digits.labels, "int32"), MNIST_CLASSES).toFloat() as tf.Tensor2D
    ),
  };
}

const EVAL_BATCH = 1000;

function accuracy(model: tf.LayersModel, x: tf.Tensor2D, labels: Uint8Array): number {
  if (labels.length === 0) return NaN;
  const predicted = tf.tidy(() =>
    (model.predict(x, { batchSize: EVAL_BATCH }) as tf.Tensor).argMax(-1).dataSync()
  );
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

function crossEntropy(model: tf.LayersModel, x: tf.Tensor2D, y: tf.Tensor2D): number {
  // evaluate runs the model in inference mode and adds no penalty: the task loss alone.
  const loss = model.evaluate(x, y, { batchSize: EVAL_BATCH }) as tf.Scalar;
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

function preActivations(probe: tf.LayersModel, x: tf.Tensor2D): Float32Array[] {
  const outputs = probe.predict(x, { batchSize: EVAL_BATCH }) as tf.Tensor[];
  const values = outputs.map((t) => t.dataSync() as Float32Array);
  outputs.forEach((t) => t.dispose());
  return values;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** FNV-1a (32-bit) over the bytes of every weight, in the model's order. */
function digest(model: tf.LayersModel): string {
  let hash = 0x811c9dc5;
  for (const weight of model.getWeights()) {
    const bytes = new Uint8Array((weight.dataSync() as Float32Array).slice().buffer);
    for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
