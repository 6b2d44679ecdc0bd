/**
 * per: PER, the activation regularizer of Joo, Kang and Kim (ICLR 2020), computed by
 * WebAssembly SIMD kernels, with the exact all-directions mode and a float64 reference.
 *
 * Importing this module reads no file, opens no connection and needs no permission.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perLossAndGrad } from "./mod.ts";
 * const h = new Float32Array(64 * 32).map((_, i) => Math.sin(i));
 * const { loss, grad } = perLossAndGrad(h, [64, 32], { projections: 256, seed: 7 });
 * assert.ok(loss > 0 && grad.length === h.length);
 * ```
 *
 * @module
 */

export {
  type Activations,
  kernelVariant,
  type PerLayer,
  perLoss,
  perLossAndGrad,
  perLossAndGradBatch,
  perReference,
  type PerResult,
  setThreads,
  threads,
  threadsInUse,
} from "./src/per.ts";
export type { Backend, PerOptions, Reduction } from "./src/options.ts";
export { directions, normalizeDirections, type Sampler } from "./src/directions.ts";
export type { Layout } from "./src/layout.ts";
export { score, type ScoreOptions, type ScoreResult } from "./src/score.ts";
export {
  AUTO_WEBGPU_MIN_WORK,
  createEngine,
  type EngineBackend,
  type EngineOptions,
  type EngineScoreResult,
  type PerEngine,
} from "./src/engine.ts";
export type { AdapterDescription } from "./src/backends/webgpu/device.ts";
