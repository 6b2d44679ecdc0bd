/**
 * The asynchronous engine: one object that runs PER calls on any backend, the WebGPU one
 * included, and owns that backend's resources (GPU buffers, pipelines, the device).
 *
 * The synchronous functions of per.ts stay on the CPU; an engine is what a caller creates
 * to use a GPU, or to write backend-independent code that awaits its results.
 *
 * @module
 */

import type { AdapterDescription } from "./backends/webgpu/device.ts";
import { describeAdapter, noAdapterError, requestPerAdapter } from "./backends/webgpu/device.ts";
import { WebGpuBackend } from "./backends/webgpu/per_dispatch.ts";
import type { Backend, PerOptions } from "./options.ts";
import {
  type Activations,
  type PerLayer,
  perLoss,
  perLossAndGrad,
  perLossAndGradBatch,
  type PerResult,
  prepare,
  requestFor,
} from "./per.ts";
import { assertFiniteResult } from "./finite.ts";
import { score, type ScoreOptions, type ScoreResult } from "./score.ts";

/** A backend an engine call runs on. */
export type EngineBackend = "wasm" | "webgpu" | "js";

/** Options of createEngine. */
export interface EngineOptions {
  /**
   * `auto` (default): `webgpu` where a hardware adapter exists (calls too small to pay for
   * the transfer still run on `wasm`), else `wasm`. `webgpu`: always the GPU, software
   * adapters included; an error where there is no adapter. `wasm`, `js`: the CPU.
   */
  backend?: Backend;
}

/** Score as an engine reports it: the backend may be any engine backend. */
export type EngineScoreResult = Omit<ScoreResult, "backend"> & { backend: EngineBackend };

/** PER on one backend, asynchronously. Create with createEngine; free with destroy(). */
export interface PerEngine {
  /**
   * The backend this engine resolved to. A `webgpu` engine created with `auto` still runs
   * calls below the size threshold on `wasm`: backendFor says which one a call takes.
   */
  readonly backend: EngineBackend;
  /** The WebGPU adapter found (also when `auto` declined a software one), else undefined. */
  readonly adapterInfo: AdapterDescription | undefined;
  /**
   * The backend a call with these arguments would run on.
   *
   * @throws {RangeError | TypeError} for a bad shape or option, as the call would
   */
  backendFor(h: Activations, shape: readonly number[], options?: PerOptions): EngineBackend;
  /** As perLoss (per.ts), resolved asynchronously. */
  perLoss(h: Activations, shape: readonly number[], options?: PerOptions): Promise<number>;
  /** As perLossAndGrad (per.ts), resolved asynchronously. */
  perLossAndGrad(
    h: Activations,
    shape: readonly number[],
    options?: PerOptions,
  ): Promise<PerResult>;
  /** As perLossAndGradBatch (per.ts), resolved asynchronously; every layer is validated first. */
  perLossAndGradBatch(layers: readonly PerLayer[], options?: PerOptions): Promise<PerResult[]>;
  /**
   * As score (score.ts). Sorting the projections, which the distances need, runs on the
   * CPU kernels whatever the engine, so a `webgpu` engine scores on `wasm` and says so in
   * the result's `backend`.
   */
  score(
    h: Activations,
    shape: readonly number[],
    options?: ScoreOptions,
  ): Promise<EngineScoreResult>;
  /** Frees the engine's GPU memory and device; later calls reject. Idempotent. */
  destroy(): void;
}

/**
 * Work (n·d·s multiply-adds of the projection) from which `auto` sends a Monte Carlo call
 * to a hardware GPU: 2^27. Chosen from `deno task bench:webgpu` on the project's machine
 * (2 cores, Deno 2.9.6): one GPU call costs at least a round trip of 11.9 ms whatever
 * its size, because Deno resolves mapAsync on a polling period of about 11 ms (a 1×1×1
 * call and a 256-byte readback both take it), while the wasm backend (2 threads) takes
 * 3.2 ms at n·d·s = 2^25 (256, 512, 256), 16.4 ms at 2^27 (8192, 64, 256) and 26 ms at
 * 2^28 (1024, 1024, 256). Below about 2^26.5 the CPU is done before any GPU could
 * answer; 2^27 leaves room for the upload. No hardware adapter was available, so the
 * GPU's own time is taken as small, which a real GPU's is at these sizes; on more cores
 * the wasm backend is faster and the cut-over higher. The exact mode reads every value
 * once, so uploading costs as much as computing: `auto` keeps it on the CPU.
 */
export const AUTO_WEBGPU_MIN_WORK = 2 ** 27;

const ENGINE_BACKENDS = ["auto", "wasm", "webgpu", "js"];

/**
 * Creates an engine.
 *
 * @param options which backend; `auto` by default
 * @returns the engine, its backend resolved
 * @throws {Error} for `webgpu` where navigator.gpu finds no adapter (the message says how
 *   to get one)
 * @throws {RangeError} for an unknown backend
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEngine } from "../mod.ts";
 * const engine = await createEngine({ backend: "wasm" });
 * const h = new Float32Array([0.5, -1, 2, 0.25]);
 * const { loss } = await engine.perLossAndGrad(h, [2, 2], { seed: 3 });
 * assert.ok(loss > 0.79 && engine.backend === "wasm");
 * engine.destroy();
 * ```
 */
export async function createEngine(options: EngineOptions = {}): Promise<PerEngine> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("engine options must be an object");
  }
  const requested = options.backend ?? "auto";
  if (!ENGINE_BACKENDS.includes(requested)) {
    throw new RangeError(
      `backend must be "auto", "wasm", "webgpu" or "js", got ${String(requested)}`,
    );
  }
  if (requested === "wasm" || requested === "js") return new Engine(requested, undefined);

  const adapter = await requestPerAdapter();
  if (!adapter) {
    if (requested === "webgpu") throw noAdapterError();
    return new Engine("wasm", undefined);
  }
  const info = describeAdapter(adapter);
  // A software adapter runs on the same CPU as the WebAssembly kernels, more slowly.
  if (requested === "auto" && info.isFallbackAdapter) return new Engine("wasm", info);
  return new Engine("webgpu", info, await WebGpuBackend.create(adapter), requested === "auto");
}

/** Where a validated call runs, with what the CPU functions and the GPU backend need. */
interface Plan {
  backend: EngineBackend;
  cpuOptions: PerOptions;
  view: ReturnType<typeof prepare>["view"];
  resolved: ReturnType<typeof prepare>["resolved"];
}

class Engine implements PerEngine {
  readonly backend: EngineBackend;
  readonly adapterInfo: AdapterDescription | undefined;
  readonly #gpu: WebGpuBackend | undefined;
  readonly #bySize: boolean;
  #destroyed = false;

  constructor(
    backend: EngineBackend,
    adapterInfo: AdapterDescription | undefined,
    gpu?: WebGpuBackend,
    bySize = false,
  ) {
    this.backend = backend;
    this.adapterInfo = adapterInfo;
    this.#gpu = gpu;
    this.#bySize = bySize;
  }

  backendFor(h: Activations, shape: readonly number[], options?: PerOptions): EngineBackend {
    this.#alive();
    return this.#plan(h, shape, options).backend;
  }

  async perLoss(h: Activations, shape: readonly number[], options?: PerOptions) {
    return (await this.#run(h, shape, options, false)).loss;
  }

  perLossAndGrad(h: Activations, shape: readonly number[], options?: PerOptions) {
    return this.#run(h, shape, options, true);
  }

  async perLossAndGradBatch(
    layers: readonly PerLayer[],
    options?: PerOptions,
  ): Promise<PerResult[]> {
    this.#alive();
    if (!Array.isArray(layers)) throw new TypeError("layers must be an array of { h, shape }");
    // Validate every layer before running any, as the synchronous call does.
    const plans = layers.map((layer, index) => {
      try {
        if (typeof layer !== "object" || layer === null) {
          throw new TypeError("a layer must be an object { h, shape, options? }");
        }
        return this.#plan(layer.h, layer.shape, { ...options, ...layer.options });
      } catch (error) {
        throw relabel(error, index);
      }
    });
    if (plans.every((plan) => plan.backend !== "webgpu")) {
      return perLossAndGradBatch(
        layers.map((layer, i) => ({ ...layer, options: plans[i].cpuOptions })),
      );
    }
    // Every GPU layer is submitted before any result is awaited.
    const results = layers.map((layer, index) =>
      this.#runPlanned(layer.h, layer.shape, plans[index], true).catch((error) => {
        throw relabel(error, index);
      })
    );
    return await Promise.all(results);
  }

  score(
    h: Activations,
    shape: readonly number[],
    options: ScoreOptions = {},
  ): Promise<EngineScoreResult> {
    try {
      this.#alive();
      const asked = options?.backend ?? "auto";
      if (asked === "webgpu" && !this.#gpu) throw this.#noGpu();
      const backend = asked === "js" || (asked === "auto" && this.backend === "js")
        ? "js"
        : "wasm";
      return Promise.resolve(score(h, shape, { ...options, backend }));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#gpu?.destroy();
  }

  #alive(): void {
    if (this.#destroyed) throw new Error("this PER engine was destroyed");
  }

  #noGpu(): RangeError {
    return new RangeError(
      `backend "webgpu" was asked of a "${this.backend}" engine; create one with ` +
        'createEngine({ backend: "webgpu" })',
    );
  }

  /** Validates a call and decides where it runs. */
  #plan(h: Activations, shape: readonly number[], options: PerOptions | undefined): Plan {
    const asked = options?.backend ?? "auto";
    if (asked === "webgpu" && !this.#gpu) throw this.#noGpu();
    // The CPU functions validate everything; "webgpu" is this engine's business.
    const cpu: "wasm" | "js" = asked === "js" || (asked === "auto" && this.backend === "js")
      ? "js"
      : "wasm";
    const cpuOptions: PerOptions = { ...options, backend: cpu };
    const { view, resolved } = prepare(h, shape, cpuOptions);
    let backend: EngineBackend = cpu;
    if (asked === "webgpu") backend = "webgpu";
    else if (asked === "auto" && this.#gpu) {
      const work = view.samples * view.dim * resolved.projections;
      const large = resolved.mode === "monteCarlo" && work >= AUTO_WEBGPU_MIN_WORK;
      backend = !this.#bySize || large ? "webgpu" : "wasm";
    }
    return { backend, cpuOptions, view, resolved };
  }

  async #run(
    h: Activations,
    shape: readonly number[],
    options: PerOptions | undefined,
    withGrad: boolean,
  ): Promise<PerResult> {
    this.#alive();
    return await this.#runPlanned(h, shape, this.#plan(h, shape, options), withGrad);
  }

  async #runPlanned(
    h: Activations,
    shape: readonly number[],
    plan: Plan,
    withGrad: boolean,
  ): Promise<PerResult> {
    if (plan.backend !== "webgpu") {
      return withGrad
        ? perLossAndGrad(h, shape, plan.cpuOptions)
        : { loss: perLoss(h, shape, plan.cpuOptions), grad: new Float32Array(0) };
    }
    const request = requestFor(h, plan.view, plan.resolved, withGrad);
    let loss: number;
    try {
      loss = await this.#gpu!.run(request);
    } catch (error) {
      // A call in flight when destroy() freed its buffers fails inside WebGPU; say why.
      this.#alive();
      throw error;
    }
    assertFiniteResult(loss, "loss", h, plan.view);
    return { loss, grad: request.grad! };
  }
}

function relabel(error: unknown, index: number): unknown {
  if (error instanceof RangeError) return new RangeError(`layer ${index}: ${error.message}`);
  if (error instanceof TypeError) return new TypeError(`layer ${index}: ${error.message}`);
  return error;
}
