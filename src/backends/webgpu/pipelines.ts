/**
 * The compute pipelines of the PER kernels, compiled once per device.
 *
 * @module
 */

import { EXACT_WGSL } from "./exact_wgsl.ts";
import { DEFAULT_TILES, gemmSource, type GemmTiles } from "./gemm_wgsl.ts";
import { CHECK_WGSL, F_ERF_EVAL_WGSL, LOSS_WGSL } from "./loss_wgsl.ts";
import { PARAMS_WGSL } from "./params_wgsl.ts";

/** Every pipeline a PER call uses, and the tile shape the gemm pipelines were built for. */
export interface PerPipelines {
  /** Non-finite scan of the activations (loss_wgsl.ts). */
  check: GPUComputePipeline;
  /** X = H·Θᵀ (gemm_wgsl.ts). */
  project: GPUComputePipeline;
  /** Loss partial sums and G = c·erf(X/√2) (loss_wgsl.ts). */
  loss: GPUComputePipeline;
  /** ∇ = G·Θ (gemm_wgsl.ts). */
  backProject: GPUComputePipeline;
  /** Exact mode (exact_wgsl.ts). */
  exact: GPUComputePipeline;
  /** f and erf over an array, for the accuracy tests (loss_wgsl.ts). */
  fErf: GPUComputePipeline;
  /** The tiles of project and backProject. */
  tiles: GemmTiles;
}

async function compile(device: GPUDevice, label: string, code: string) {
  const module = device.createShaderModule({ label, code });
  try {
    return await device.createComputePipelineAsync({
      label,
      layout: "auto",
      compute: { module, entryPoint: "main" },
    });
  } catch (error) {
    // The pipeline error says little; the compilation messages say where.
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
    throw new Error(
      `WebGPU kernel "${label}" did not compile: ${
        messages.join("; ") || (error as Error).message
      }`,
    );
  }
}

/**
 * Compiles the PER kernels on `device`.
 *
 * @param device the device
 * @param tiles gemm tile shape (the benchmark tries others)
 * @returns the pipelines
 * @throws {Error} naming the kernel and the compiler's messages when one does not compile
 *
 * @example
 * ```ts
 * import { createPipelines } from "./pipelines.ts";
 * import { requestPerAdapter, requestPerDevice } from "./device.ts";
 * const adapter = await requestPerAdapter();
 * if (adapter) {
 *   const device = await requestPerDevice(adapter);
 *   await createPipelines(device);
 *   device.destroy();
 * }
 * ```
 */
export async function createPipelines(
  device: GPUDevice,
  tiles: GemmTiles = DEFAULT_TILES,
): Promise<PerPipelines> {
  const [check, project, loss, backProject, exact, fErf] = await Promise.all([
    compile(device, "per check", CHECK_WGSL),
    compile(device, "per project", gemmSource("project", tiles, PARAMS_WGSL)),
    compile(device, "per loss", LOSS_WGSL),
    compile(device, "per back-project", gemmSource("backProject", tiles, PARAMS_WGSL)),
    compile(device, "per exact", EXACT_WGSL),
    compile(device, "per f-erf", F_ERF_EVAL_WGSL),
  ]);
  return { check, project, loss, backProject, exact, fErf, tiles };
}

/**
 * A bind group for `pipeline` with the given buffers at bindings 0, 1, 2, … (whole
 * buffers).
 *
 * @param device the device
 * @param pipeline a pipeline of createPipelines
 * @param buffers one buffer per binding, in binding order
 * @returns the bind group
 *
 * @example
 * ```ts
 * import { bindBuffers, createPipelines } from "./pipelines.ts";
 * import { USAGE } from "./buffers.ts";
 * import { requestPerAdapter, requestPerDevice } from "./device.ts";
 * const adapter = await requestPerAdapter();
 * if (adapter) {
 *   const device = await requestPerDevice(adapter);
 *   const p = await createPipelines(device);
 *   const make = (usage: number) => device.createBuffer({ size: 64, usage });
 *   const u = USAGE.UNIFORM, st = USAGE.STORAGE;
 *   bindBuffers(device, p.check, [make(u), make(st), make(st)]);
 *   device.destroy();
 * }
 * ```
 */
export function bindBuffers(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  buffers: readonly GPUBuffer[],
): GPUBindGroup {
  return device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}
