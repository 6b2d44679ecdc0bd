import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { perLoss } from "../mod.ts";
import { ActivityPenalty } from "../src/train/activity_penalty.ts";
import { l1Layer, l2Layer, perLayer } from "../src/train/penalty_layers.ts";
import { type TfjsBackend, useTfjsBackend } from "../src/train/tfjs_backend.ts";

tf.enableProdMode();

/**
 * input [4] → dense(6, fixed weights, no bias) → penalty layer → dense(2, fixed) → softmax,
 * compiled with plain SGD at learning rate 0, so that one fit step reports the loss of the
 * fixed weights and changes nothing.
 */
function fixedModel(penalty: tf.layers.Layer | undefined): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const w1 = Array.from({ length: 24 }, (_, i) => Math.sin(i + 1));
  const w2 = Array.from({ length: 12 }, (_, i) => Math.cos(2 * i));
  let x = tf.layers.dense({
    units: 6,
    useBias: false,
    weights: [tf.tensor2d(w1, [4, 6])],
  }).apply(input) as tf.SymbolicTensor;
  if (penalty) x = penalty.apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({
    units: 2,
    useBias: false,
    activation: "softmax",
    weights: [tf.tensor2d(w2, [6, 2])],
  }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.sgd(0), loss: "categoricalCrossentropy" });
  return model;
}

// Five samples, made after a test has chosen its backend (a tensor made before then would
// go to the uninitialized wasm backend, which tfjs ranks first).
const xValues = Array.from({ length: 20 }, (_, i) => Math.cos(0.7 * i));
const inputs = () => tf.tensor2d(xValues, [5, 4]);
const targets = () => tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1], "int32"), 2).toFloat();

async function fitLoss(model: tf.LayersModel): Promise<number> {
  const [X, Y] = [inputs(), targets()];
  const history = await model.fit(X, Y, { batchSize: 5, epochs: 1, shuffle: false, verbose: 0 });
  tf.dispose([X, Y]);
  return history.history.loss[0] as number;
}

for (const backend of ["cpu", "wasm"] as TfjsBackend[]) {
  Deno.test(`tfjs ${backend}: model.fit's loss includes λ·PER of the layer's input`, async () => {
    await useTfjsBackend(backend);
    const taskOnly = await fitLoss(fixedModel(undefined));
    const lambda = 0.25;
    for (const projections of [32, Infinity]) {
      const layer = perLayer({ lambda, projections, seed: 11 });
      const model = fixedModel(layer);
      const withPenalty = await fitLoss(model);
      // The penalty of the first training step: directions of seed 11 + step 0.
      const pre = tf.tidy(() => tf.matMul(inputs(), model.layers[1].getWeights()[0]));
      const expected = lambda *
        perLoss(pre.dataSync() as Float32Array, [5, 6], { projections, seed: 11 });
      pre.dispose();
      // Float32 sums of two float32 terms: 1e-6 relative is a few units in the last place.
      assert.ok(
        Math.abs(withPenalty - taskOnly - expected) <= 1e-6 * withPenalty,
        `s=${projections}: fit loss ${withPenalty} − ${taskOnly} ≠ λ·PER ${expected}`,
      );
      assert.equal(layer.step, 1);
    }
  });

  Deno.test(`tfjs ${backend}: L1 and L2 layers add λ·mean|x| and λ·mean(x²)`, async () => {
    await useTfjsBackend(backend);
    const taskOnly = await fitLoss(fixedModel(undefined));
    for (const [make, norm] of [[l1Layer, Math.abs], [l2Layer, (v: number) => v * v]] as const) {
      const model = fixedModel(make({ lambda: 0.5 }));
      const withPenalty = await fitLoss(model);
      const pre = tf.tidy(() => tf.matMul(inputs(), model.layers[1].getWeights()[0]));
      const values = [...pre.dataSync()];
      pre.dispose();
      const expected = 0.5 * values.reduce((a, v) => a + norm(v), 0) / values.length;
      assert.ok(Math.abs(withPenalty - taskOnly - expected) <= 1e-6 * withPenalty);
    }
  });
}

Deno.test("the penalty layer passes its input through and adds nothing outside fit", async () => {
  await useTfjsBackend("cpu");
  const layer = perLayer({ lambda: 1, projections: 16 });
  const model = fixedModel(layer);
  const plain = fixedModel(undefined);
  const [X, Y] = [inputs(), targets()];
  const a = model.predict(X) as tf.Tensor;
  const b = plain.predict(X) as tf.Tensor;
  assert.deepEqual(a.dataSync(), b.dataSync());
  const evaluated = model.evaluate(X, Y) as tf.Scalar;
  const reference = plain.evaluate(X, Y) as tf.Scalar;
  assert.equal(evaluated.dataSync()[0], reference.dataSync()[0]);
  assert.equal(layer.step, 0, "inference and evaluate are not training steps");
  tf.dispose([X, Y, a, b, evaluated, reference]);
});

Deno.test("fresh directions change with the step; fixed ones do not", async () => {
  await useTfjsBackend("cpu");
  const steps = async (fresh: boolean) => {
    const model = fixedModel(perLayer({ lambda: 1, projections: 8, freshDirections: fresh }));
    return [await fitLoss(model), await fitLoss(model)];
  };
  const [f1, f2] = await steps(true);
  const [k1, k2] = await steps(false);
  assert.notEqual(f1, f2, "step 1 draws new directions");
  assert.equal(k1, k2, "the weights do not move at learning rate 0");
  assert.equal(f1, k1, "step 0 uses the seed itself either way");
});

Deno.test("penalty layers reject a bad λ or penalty, naming the value", () => {
  assert.throws(() => perLayer({ lambda: -1 }), /lambda must be a finite number ≥ 0, got -1/);
  assert.throws(() => l2Layer({ lambda: NaN }), RangeError);
  assert.throws(() => perLayer({ lambda: 1, seed: 1.5 }), /seed .* got 1.5/);
  assert.throws(
    // @ts-expect-error: the penalty must be a function
    () => new ActivityPenalty({ lambda: 1, penalty: 3 }),
    TypeError,
  );
});
