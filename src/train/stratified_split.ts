/**
 * A seeded split of labelled samples into parts that keep the class proportions.
 *
 * @module
 */

import { SeededRandom } from "./seeded_random.ts";

/**
 * Splits sample indices into parts of the given sizes, each with the classes in the same
 * proportions as the whole (to within one sample per class), chosen at random from `seed`.
 *
 * Each part's per-class counts come from the largest-remainder rule, so the part sizes are
 * met exactly; within a class the samples are shuffled once and dealt to the parts in
 * order, so parts never overlap. Samples left over (when the sizes sum to less than the
 * number of samples) belong to no part.
 *
 * @param labels the class of each sample, integers in [0, classes)
 * @param sizes the size of each part; their sum at most labels.length
 * @param seed the seed of the shuffle
 * @returns one sorted index array per part
 * @throws {RangeError} for a negative or non-integer size, sizes summing to more than the
 *   number of samples, or a label that is not a non-negative integer
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stratifiedSplit } from "./stratified_split.ts";
 * const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
 * const [train, test] = stratifiedSplit(labels, [5, 5], 1);
 * assert.ok(train.length === 5 && test.length === 5);
 * ```
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  sizes: readonly number[],
  seed: number,
): Int32Array[] {
  const total = labels.length;
  sizes.forEach((size, k) => {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`sizes[${k}] must be a non-negative integer, got ${size}`);
    }
  });
  const wanted = sizes.reduce((a, b) => a + b, 0);
  if (wanted > total) {
    throw new RangeError(`sizes sum to ${wanted}, more than the ${total} samples`);
  }

  const byClass: number[][] = [];
  for (let i = 0; i < total; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0) {
      throw new RangeError(`labels[${i}] must be a non-negative integer, got ${label}`);
    }
    (byClass[label] ??= []).push(i);
  }
  const classes = byClass.map((members) => members ?? []);
  const random = new SeededRandom(seed);
  for (const members of classes) random.shuffle(members);

  // Parts are apportioned one after another from what the earlier parts left, so that no
  // class is ever asked for more samples than it has.
  const remaining = classes.map((members) => members.length);
  const taken = classes.map(() => 0);
  let remainingTotal = total;
  return sizes.map((size) => {
    const perClass = apportion(size, remaining, remainingTotal);
    const part: number[] = [];
    perClass.forEach((count, c) => {
      for (let j = 0; j < count; j++) part.push(classes[c][taken[c]++]);
      remaining[c] -= count;
    });
    remainingTotal -= size;
    return Int32Array.from(part).sort();
  });
}

/**
 * Splits `size` over classes in proportion to their counts: floor of each share, then one
 * more to the classes with the largest remainders (ties to the lower class index). A class
 * gets at most its count: a share is at most the count, and only a class with a fractional
 * share gets the extra one.
 */
function apportion(size: number, classCounts: readonly number[], total: number): number[] {
  if (size === 0) return classCounts.map(() => 0);
  // Integer arithmetic: share = size·count/total = quotient + rest/total exactly.
  const counts = classCounts.map((count) => Math.floor((size * count) / total));
  const rests = classCounts.map((count) => (size * count) % total);
  let left = size - counts.reduce((a, b) => a + b, 0);
  const order = rests.map((rest, c) => ({ rest, c })).filter((r) => r.rest > 0)
    .sort((a, b) => b.rest - a.rest || a.c - b.c);
  for (const { c } of order) {
    if (left === 0) break;
    counts[c]++;
    left--;
  }
  return counts;
}
