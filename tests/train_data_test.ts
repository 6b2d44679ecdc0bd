import assert from "node:assert/strict";
import { MNIST_PIXELS, mnistDigits, mnistSplit } from "../src/train/mnist.ts";
import { SeededRandom } from "../src/train/seeded_random.ts";
import { stratifiedSplit } from "../src/train/stratified_split.ts";

const CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

function classCounts(labels: ArrayLike<number>): number[] {
  const counts = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

Deno.test("mnist: 10,000 real digits with the package's class counts, pixels in [0, 1]", () => {
  const { images, labels, count } = mnistDigits();
  assert.equal(count, 10000);
  assert.equal(images.length, count * MNIST_PIXELS);
  assert.deepEqual(classCounts(labels), CLASS_COUNTS);
  let min = Infinity, max = -Infinity, ink = 0;
  for (const v of images) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (v > 0.5) ink++;
  }
  assert.equal(min, 0);
  assert.ok(max <= 1 && max > 0.99);
  // Handwriting covers roughly a tenth to a fifth of a 28×28 frame.
  assert.ok(ink / images.length > 0.05 && ink / images.length < 0.3);
});

Deno.test("mnist split: disjoint, stratified, exact sizes, a pure function of the seed", () => {
  const a = mnistSplit(3);
  assert.deepEqual([a.train.count, a.validation.count, a.test.count], [7000, 1000, 2000]);
  for (const [part, size] of [[a.train, 7000], [a.validation, 1000], [a.test, 2000]] as const) {
    const counts = classCounts(part.labels);
    counts.forEach((c, digit) => {
      const share = (CLASS_COUNTS[digit] * size) / 10000;
      assert.ok(Math.abs(c - share) <= 1, `digit ${digit}: ${c} of ${size}, share ${share}`);
    });
  }
  const b = mnistSplit(3);
  assert.deepEqual(b.test.images, a.test.images);
  assert.notDeepEqual(mnistSplit(4).test.images, a.test.images);
  // The test set does not depend on how much of the rest is used for training.
  assert.deepEqual(mnistSplit(3, { train: 300, validation: 100 }).test.images, a.test.images);
});

Deno.test("stratifiedSplit: parts never overlap, even when they use every sample", () => {
  const labels = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
  const [x, y] = stratifiedSplit(labels, [5, 5], 1);
  assert.equal(new Set([...x, ...y]).size, 10);
  assert.deepEqual(classCounts([...x].map((i) => labels[i])).slice(0, 2), [2, 3]);
  assert.throws(() => stratifiedSplit(labels, [6, 5], 1), /sum to 11, more than the 10/);
  assert.throws(() => stratifiedSplit(labels, [-1], 1), /sizes\[0\] .* got -1/);
  assert.throws(() => stratifiedSplit([0, 1.5], [1], 1), /labels\[1\] .* got 1.5/);
});

Deno.test("SeededRandom: reproducible, uniform enough, unbiased integers", () => {
  const a = new SeededRandom(42), b = new SeededRandom(42);
  for (let i = 0; i < 100; i++) assert.equal(a.nextUint32(), b.nextUint32());
  const random = new SeededRandom(1);
  const bins = new Array(10).fill(0);
  for (let i = 0; i < 100000; i++) bins[random.int(10)]++;
  // Binomial(100000, 0.1): sd ≈ 95; 5 sd is 475.
  for (const count of bins) assert.ok(Math.abs(count - 10000) < 475, `${bins}`);
  assert.throws(() => new SeededRandom(0.5), /seed must be a safe integer, got 0.5/);
  assert.throws(() => random.int(0), RangeError);
});
