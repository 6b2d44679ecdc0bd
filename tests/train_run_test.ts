import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { mnistSplit } from "../src/train/mnist.ts";
import { type TfjsBackend, useTfjsBackend } from "../src/train/tfjs_backend.ts";
import { type RunConfig, trainRun } from "../src/train/train_run.ts";
import { parseVariant } from "../src/train/variants.ts";

tf.enableProdMode();

// A tiny configuration: 320 training digits, one epoch of 10 steps, 3 × 64 hidden units.
const data = mnistSplit(0, { train: 320, validation: 100, test: 200 });

function tiny(variant: string, seed: number, losses?: number[]): RunConfig {
  return {
    variant: parseVariant(variant),
    seed,
    data,
    epochs: 1,
    batchSize: 32,
    learningRate: 1e-2,
    depth: 3,
    width: 64,
    keepActivations: true,
    onStep: (p) => losses?.push(p.loss),
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

for (const backend of ["wasm", "cpu"] as TfjsBackend[]) {
  Deno.test(`tfjs ${backend}: one epoch on 320 digits lowers the loss`, async () => {
    await useTfjsBackend(backend);
    const before = tf.memory().numTensors;
    for (const variant of ["vanilla", "per-mc@0.1", "per-exact@0.1"]) {
      const losses: number[] = [];
      const run = await trainRun(tiny(variant, 1, losses));
      assert.equal(losses.length, 10);
      // Step losses are noisy; compare the first and last three steps' means (measured:
      // about 2.3 and 1.6 for every variant here).
      assert.ok(
        mean(losses.slice(-3)) < mean(losses.slice(0, 3)) - 0.2,
        `${variant}: losses ${losses.map((l) => l.toFixed(3)).join(" ")}`,
      );
      // Ten classes: chance is 10% and an untrained network's loss is about ln 10.
      assert.ok(run.trainLoss < Math.log(10) - 0.3, `${variant}: train CE ${run.trainLoss}`);
      assert.ok(run.testAccuracy > 0.3, `${variant}: test accuracy ${run.testAccuracy}`);
      assert.equal(run.activations?.length, 3);
      assert.equal(run.activations![0].length, 200 * 64);
    }
    assert.equal(tf.memory().numTensors, before, "a run disposes every tensor it made");
  });
}

Deno.test("tfjs wasm: the same seed gives identical runs, another seed does not", async () => {
  await useTfjsBackend("wasm");
  const strip = (run: Awaited<ReturnType<typeof trainRun>>) => ({
    ...run,
    stepMs: 0,
    stepTimes: [],
  });
  const first: number[] = [], second: number[] = [];
  const a = await trainRun(tiny("per-mc@0.1", 7, first));
  const b = await trainRun(tiny("per-mc@0.1", 7, second));
  assert.deepEqual(second, first, "step losses");
  assert.deepEqual(strip(b), strip(a), "weights digest, accuracies and activations");
  const c = await trainRun(tiny("per-mc@0.1", 8));
  assert.notEqual(c.weightsDigest, a.weightsDigest);
});
