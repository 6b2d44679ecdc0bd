/**
 * The PER loss and its gradient: validate the call, pick the backend, run it.
 *
 * @module
 */

import { referenceExact, referenceMonteCarlo } from "./backends/reference.ts";
import { type KernelKind, WasmBackend, type WasmRequest } from "./backends/wasm.ts";
import { ThreadPool } from "./kernels/thread_pool.ts";
import { directions, normalizeDirections } from "./directions.ts";
import { describeValue } from "./describe.ts";
import { assertFiniteResult, assertFloat32Finite } from "./finite.ts";
import {
  defaultVariant,
  instantiateKernels,
  type KernelInstance,
  type KernelVariant,
} from "./kernels/kernels.ts";
import { gatherRows, type SampleShape, sampleShape, scatterRows } from "./layout.ts";
import { type PerOptions, type ResolvedOptions, resolveOptions } from "./options.ts";

/** Activations: float32, or float64 rounded once to float32. */
export type Activations = Float32Array | Float64Array;

/** The result of perLossAndGrad. */
export interface PerResult {
  /** The PER loss. */
  loss: number;
  /** ∂loss/∂activations, in the input's shape and layout. */
  grad: Float32Array;
}

/** One layer of a batched call. */
export interface PerLayer {
  /** The layer's activations. */
  h: Activations;
  /** Their shape, read through `options.layout`. */
  shape: readonly number[];
  /** Options for this layer, over the call's shared options. */
  options?: PerOptions;
}

// One kernel instance for the synchronous API, created at module load (the module
// compiles asynchronously, so import waits for it; no call ever compiles). Its memory is
// shared where the runtime allows, so a thread pool can join it for large calls.
const kernels: KernelInstance = await instantiateKernels(defaultVariant, true);

/** Most threads setThreads accepts: each worker holds its own instance of the kernels. */
const MAX_THREADS = 64;

/** Threads the synchronous API may use; the pool starts at the first call large enough. */
let threadSetting = defaultThreads();
let pool: ThreadPool | undefined | null = null;
let poolsMade = 0;

function defaultThreads(): number {
  const cores = globalThis.navigator?.hardwareConcurrency;
  return Number.isSafeInteger(cores) && cores > 0 ? Math.min(cores, 16) : 1;
}

function poolForCalls(): ThreadPool | undefined {
  if (pool === null) {
    pool = threadSetting > 1
      ? ThreadPool.create(
        kernels,
        kernels.module,
        threadSetting,
        kernels.controlBlockFor(poolsMade++),
      )
      : undefined;
  }
  return pool;
}

const backend: WasmBackend = new WasmBackend(kernels, "simd", poolForCalls);

const directionCache = new Map<string, Float32Array>();
const DIRECTION_CACHE_ENTRIES = 8;

/** Directions for a call, and the key under which the kernels may keep them packed. */
function directionsFor(
  options: ResolvedOptions,
  d: number,
): { theta: Float32Array; key: string } {
  if (options.theta !== undefined) {
    return { theta: normalizeDirections(options.theta, d), key: "" };
  }
  const s = options.projections;
  const key = `${options.sampler}/${options.seed}/${d}/${s}`;
  let theta = directionCache.get(key);
  if (!theta) {
    theta = directions(d, s, options.seed, options.sampler);
    if (directionCache.size >= DIRECTION_CACHE_ENTRIES) {
      directionCache.delete(directionCache.keys().next().value!);
    }
    directionCache.set(key, theta);
  }
  return { theta, key };
}

function checkActivations(h: unknown): asserts h is Activations {
  if (!(h instanceof Float32Array || h instanceof Float64Array)) {
    throw new TypeError("activations must be a Float32Array or Float64Array");
  }
}

/**
 * Validation shared by every entry point, the engine's included (src/engine.ts).
 *
 * @param h the activations
 * @param shape their shape
 * @param options the call's options (backend "webgpu" is refused here: see options.ts)
 * @returns the sample view and the resolved options
 * @throws {RangeError | TypeError} as perLossAndGrad
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepare } from "./per.ts";
 * assert.equal(prepare(new Float32Array(6), [3, 2], {}).view.samples, 3);
 * ```
 */
export function prepare(
  h: Activations,
  shape: readonly number[],
  options: PerOptions | undefined,
): { view: SampleShape; resolved: ResolvedOptions } {
  checkActivations(h);
  const view = sampleShape(shape, h.length, options?.layout ?? "flat");
  const resolved = resolveOptions(options, view.dim);
  if (resolved.gradInto && resolved.gradInto.length !== h.length) {
    throw new RangeError(
      `gradInto holds ${resolved.gradInto.length} values but the activations ${h.length}`,
    );
  }
  return { view, resolved };
}

/**
 * The kernel request for one call: directions (cached by seed, d, s and sampler) or exact
 * mode, the scale c or c′, and the gradient array (gradInto, or a new zeroed one). Every
 * backend takes this request.
 *
 * @param h the activations
 * @param view their sample view (from prepare)
 * @param resolved the resolved options (from prepare)
 * @param withGrad whether the gradient is wanted
 * @returns the request
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepare, requestFor } from "./per.ts";
 * const h = new Float32Array(6);
 * const { view, resolved } = prepare(h, [3, 2], { projections: 4 });
 * assert.equal(requestFor(h, view, resolved, true).scale, 1 / 12);
 * ```
 */
export function requestFor(
  h: Activations,
  view: SampleShape,
  resolved: ResolvedOptions,
  withGrad: boolean,
): WasmRequest {
  const n = view.samples, d = view.dim;
  const sum = resolved.reduction === "sum";
  const grad = withGrad ? resolved.gradInto ?? new Float32Array(h.length) : new Float32Array(0);
  if (resolved.mode === "exact") {
    return {
      data: h,
      view,
      theta: undefined,
      thetaKey: "",
      scale: sum ? 1 : 1 / n,
      withGrad,
      grad,
    };
  }
  const { theta, key } = directionsFor(resolved, d);
  const s = theta.length / d;
  return { data: h, view, theta, thetaKey: key, scale: sum ? 1 / s : 1 / (n * s), withGrad, grad };
}

function compute(
  h: Activations,
  view: SampleShape,
  resolved: ResolvedOptions,
  withGrad: boolean,
  kernels: KernelKind = "simd",
): PerResult {
  if (resolved.backend === "js") return computeReference(h, view, resolved, withGrad);
  const request = requestFor(h, view, resolved, withGrad);
  const loss = (kernels === "simd" ? backend : scalarBackend).run(request);
  assertFiniteResult(loss, "loss", h, view);
  return { loss, grad: request.grad! };
}

const scalarBackend: WasmBackend = new WasmBackend(kernels, "scalar", poolForCalls);

/** The float64 reference on the same float32-rounded activations. */
function computeReference(
  h: Activations,
  view: SampleShape,
  resolved: ResolvedOptions,
  withGrad: boolean,
): PerResult {
  const { loss, grad } = referenceOn(h, view, resolved, withGrad);
  const out = withGrad ? resolved.gradInto ?? new Float32Array(h.length) : new Float32Array(0);
  if (grad) scatterRows(grad, 0, view.dim, view, 0, view.samples, out);
  return { loss, grad: out };
}

function referenceOn(
  h: Activations,
  view: SampleShape,
  resolved: ResolvedOptions,
  withGrad: boolean,
): { loss: number; grad: Float64Array | undefined } {
  assertFloat32Finite(h);
  const n = view.samples, d = view.dim;
  const rows = new Float64Array(n * d);
  gatherRows(h, view, 0, n, rows, 0, d);
  // The kernels see float32 values: round float64 input the same way.
  if (h instanceof Float64Array) {
    for (let i = 0; i < rows.length; i++) rows[i] = Math.fround(rows[i]);
  }
  const sum = resolved.reduction === "sum";
  if (resolved.mode === "exact") return referenceExact(rows, n, d, sum ? 1 : 1 / n, withGrad);
  const { theta } = directionsFor(resolved, d);
  const s = theta.length / d;
  return referenceMonteCarlo(rows, n, d, theta, sum ? 1 / s : 1 / (n * s), withGrad);
}

/**
 * The PER loss of a batch of activations.
 *
 * @param h activations (float32, or float64 rounded once to float32)
 * @param shape their shape, read through `options.layout`
 * @param options directions, reduction, layout and backend
 * @returns the loss: 1/(n·s)·Σ_k Σ_i f(θ_k·h_i) by default (MATH.md §1)
 * @throws {RangeError} for a bad shape or option, or a NaN or infinite activation (the
 *   message names its flat index and value)
 * @throws {TypeError} for arguments of the wrong type or an unknown option
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perLoss } from "../mod.ts";
 * const h = new Float32Array([0.5, -1, 2, 0.25, 1, -0.5]);
 * const loss = perLoss(h, [3, 2], { projections: 64, seed: 1 });
 * assert.ok(loss > 0.79);
 * ```
 */
export function perLoss(h: Activations, shape: readonly number[], options?: PerOptions): number {
  const { view, resolved } = prepare(h, shape, options);
  return compute(h, view, resolved, false).loss;
}

/**
 * The PER loss and its gradient with respect to the activations.
 *
 * @param h activations (float32, or float64 rounded once to float32)
 * @param shape their shape, read through `options.layout`
 * @param options directions, reduction, layout and backend
 * @returns the loss, and the gradient as float32 in the input's shape and layout
 * @throws {RangeError} for a bad shape or option, or a NaN or infinite activation
 * @throws {TypeError} for arguments of the wrong type or an unknown option
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perLossAndGrad } from "../mod.ts";
 * const h = new Float32Array([0.5, -1, 2, 0.25]);
 * const { loss, grad } = perLossAndGrad(h, [2, 2], { projections: Infinity });
 * assert.ok(loss > 0 && grad.length === 4);
 * ```
 */
export function perLossAndGrad(
  h: Activations,
  shape: readonly number[],
  options?: PerOptions,
): PerResult {
  const { view, resolved } = prepare(h, shape, options);
  return compute(h, view, resolved, true);
}

/**
 * PER loss and gradient for several layers in one call, as a training step that
 * regularizes many layers needs: one result per layer, in order. Each layer's options are
 * the call's `options` with the layer's own `options` over them.
 *
 * @param layers the layers' activations, shapes and options
 * @param options options shared by every layer
 * @returns one { loss, grad } per layer
 * @throws {RangeError | TypeError} as perLossAndGrad, with the layer's index in the message
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perLossAndGradBatch } from "../mod.ts";
 * const results = perLossAndGradBatch([
 *   { h: new Float32Array([1, 2, 3, 4]), shape: [2, 2] },
 *   { h: new Float32Array([0.5, -0.5, 1]), shape: [1, 3], options: { projections: 8 } },
 * ], { seed: 3 });
 * assert.ok(results.length === 2);
 * ```
 */
export function perLossAndGradBatch(
  layers: readonly PerLayer[],
  options?: PerOptions,
): PerResult[] {
  if (!Array.isArray(layers)) throw new TypeError("layers must be an array of { h, shape }");
  // Validate every layer before computing any, so that an error leaves nothing half done.
  const prepared = layers.map((layer, index) => {
    try {
      if (typeof layer !== "object" || layer === null) {
        throw new TypeError("a layer must be an object { h, shape, options? }");
      }
      return prepare(layer.h, layer.shape, { ...options, ...layer.options });
    } catch (error) {
      throw relabel(error, index);
    }
  });
  const onKernels = prepared.every(({ resolved }) => resolved.backend === "wasm");
  if (onKernels) {
    const requests = prepared.map(({ view, resolved }, index) =>
      requestFor(layers[index].h, view, resolved, true)
    );
    const losses = backend.runBatch(requests);
    losses.forEach((loss, i) => {
      try {
        assertFiniteResult(loss, "loss", layers[i].h, prepared[i].view);
      } catch (error) {
        throw relabel(error, i);
      }
    });
    return losses.map((loss, i) => ({ loss, grad: requests[i].grad! }));
  }
  // A layer on the js backend: one call per layer.
  return prepared.map(({ view, resolved }, index) => {
    try {
      return compute(layers[index].h, view, resolved, true);
    } catch (error) {
      throw relabel(error, index);
    }
  });
}

function relabel(error: unknown, index: number): unknown {
  if (error instanceof RangeError) return new RangeError(`layer ${index}: ${error.message}`);
  if (error instanceof TypeError) return new TypeError(`layer ${index}: ${error.message}`);
  return error;
}

/**
 * The float64 reference: the same loss and gradient computed term by term in float64
 * from the float32-rounded activations and directions, and (in exact mode) the direct
 * quadrature of MATH.md §3. Slow; for checking results.
 *
 * @returns the loss and the float64 gradient in the input's layout
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perLossAndGrad, perReference } from "../mod.ts";
 * const h = new Float32Array([0.5, -1, 2, 0.25]);
 * const fast = perLossAndGrad(h, [2, 2], { seed: 5 });
 * const exact = perReference(h, [2, 2], { seed: 5 });
 * assert.ok(Math.abs(fast.loss - exact.loss) < 1e-5 * exact.loss);
 * ```
 */
export function perReference(
  h: Activations,
  shape: readonly number[],
  options?: PerOptions,
): { loss: number; grad: Float64Array } {
  const { view, resolved } = prepare(h, shape, options);
  const { loss, grad } = referenceOn(h, view, resolved, true);
  const out = new Float64Array(h.length);
  scatterRows(grad!, 0, view.dim, view, 0, view.samples, out);
  return { loss, grad: out };
}

/**
 * Loss and gradient through the scalar twins of the SIMD kernels (same arithmetic, one
 * lane at a time); for tests that hold the SIMD kernels to their twins.
 */
export function perLossAndGradScalar(
  h: Activations,
  shape: readonly number[],
  options?: PerOptions,
): PerResult {
  const { view, resolved } = prepare(h, shape, options);
  return compute(h, view, resolved, true, "scalar");
}

/**
 * The kernel instance behind the synchronous API, for the other computations that share
 * its memory (score). Not reentrant: callers finish with it before returning.
 */
export function perKernels(): KernelInstance {
  return kernels;
}

/**
 * Sets how many threads the synchronous functions may use (default: the number of cores,
 * at most 16). Results are bit-identical whatever the count. Where the runtime has no
 * shared memory or workers, everything runs on the calling thread.
 *
 * @param threads a positive integer; 1 runs on the calling thread only
 * @throws {RangeError} for anything else
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setThreads, threads } from "../mod.ts";
 * setThreads(1);
 * assert.equal(threads(), 1);
 * ```
 */
export function setThreads(threads: number): void {
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(
      `threads must be an integer from 1 to ${MAX_THREADS}, got ${describeValue(threads)}`,
    );
  }
  if (threads === threadSetting) return;
  pool?.terminate();
  pool = null;
  threadSetting = threads;
}

/**
 * The thread setting of the synchronous functions (see setThreads).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { threads } from "../mod.ts";
 * assert.ok(threads() >= 1);
 * ```
 */
export function threads(): number {
  return threadSetting;
}

/**
 * Threads actually running kernels: the setting where a pool could start, 1 where the
 * runtime lacks shared memory or workers. Starts the pool if it is not running yet.
 */
export function threadsInUse(): number {
  return threadSetting > 1 ? poolForCalls()?.threads ?? 1 : 1;
}

/** The kernel build in use: `relaxed` (relaxed SIMD) or `simd`. */
export const kernelVariant: KernelVariant = kernels.variant;
