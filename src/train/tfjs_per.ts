/**
 * PER as a TensorFlow.js op: the loss of a tensor of activations, differentiable through
 * tfjs's autodiff, with value and gradient computed by this module's kernels.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { perLossAndGrad } from "../per.ts";
import type { PerOptions } from "../options.ts";

/**
 * The PER loss of `x` as a scalar tensor whose gradient with respect to `x` is PER's
 * gradient (MATH.md §2), so that `tf.grad`, `optimizer.minimize` and `model.fit` can
 * back-propagate through it.
 *
 * The op reads `x` back with `dataSync()`, computes loss and gradient together in one pass
 * of the WebAssembly kernels, and keeps the gradient for the backward pass, which returns
 * it times the incoming scalar gradient. It therefore suits backends that read back
 * synchronously (`cpu`, `wasm`); on `webgl` the read-back stalls the GPU pipeline. The
 * gradient is computed even when no backward pass follows: training is the use.
 *
 * @param x activations, float32, read through `options.layout` (`flat`: [n, d])
 * @param options projections (default 256; Infinity = exact mode), seed, theta,
 *   reduction, layout, sampler, backend: as for perLossAndGrad
 * @returns a float32 scalar tensor holding the loss
 * @throws {RangeError | TypeError} as perLossAndGrad, for a bad shape, option or a
 *   non-finite activation
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs";
 * import { perOp } from "./tfjs_per.ts";
 *
 * await tf.setBackend("cpu");
 * const x = tf.tensor2d([[0.5, -1], [2, 0.25]]);
 * const grad = tf.grad((h: tf.Tensor) => perOp(h, { projections: 64, seed: 3 }))(x);
 * assert.ok(grad.shape.join() === "2,2");
 * ```
 */
export function perOp(x: tf.Tensor, options: PerOptions = {}): tf.Scalar {
  if (!(x instanceof tf.Tensor)) throw new TypeError("perOp needs a tf.Tensor as x");
  if (x.dtype !== "float32") throw new TypeError(`perOp needs a float32 tensor, got ${x.dtype}`);
  // customGrad wraps a function of tensors only, so the options travel in a closure; making
  // the wrapper costs a few allocations, nothing beside the kernels.
  const withOptions = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const h = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const { loss, grad } = perLossAndGrad(h.dataSync() as Float32Array, h.shape, options);
    // Saved tensors live until the backward pass; with no tape recording, save keeps
    // nothing and the gradient tensor is released with the op's scope.
    save([tf.tensor(grad, h.shape, "float32")]);
    return {
      value: tf.scalar(loss, "float32"),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]),
    };
  });
  return withOptions(x) as tf.Scalar;
}
