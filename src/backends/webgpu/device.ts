/**
 * Finding a WebGPU adapter through `navigator.gpu` (built into Deno; no flag or permission)
 * and opening a device with the limits the PER kernels need.
 *
 * @module
 */

/** What the engine reports about the adapter it found. */
export interface AdapterDescription {
  /** The vendor, as the driver names it (Mesa's Vulkan driver gives its id, 65541). */
  vendor: string;
  /** The architecture, often empty. */
  architecture: string;
  /** The device, often an id. */
  device: string;
  /** A readable name, for example "llvmpipe (LLVM 15.0.6, 256 bits)". */
  description: string;
  /**
   * True for a software adapter (Mesa llvmpipe or lavapipe): the CPU emulates the GPU,
   * so the `auto` backend never picks it.
   */
  isFallbackAdapter: boolean;
}

/**
 * The default adapter, or null where there is none (no `navigator.gpu`, no driver, or
 * the request failed).
 *
 * @returns the adapter or null
 *
 * @example
 * ```ts
 * import { requestPerAdapter } from "./device.ts";
 * const adapter = await requestPerAdapter();
 * if (adapter) console.assert(typeof adapter.info.description === "string");
 * ```
 */
export async function requestPerAdapter(): Promise<GPUAdapter | null> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    return await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch {
    return null;
  }
}

/**
 * The adapter's description. Deno puts `isFallbackAdapter` on `adapter.info`; the older
 * `adapter.isFallbackAdapter` is read where the info lacks it.
 *
 * @param adapter an adapter from requestPerAdapter
 * @returns vendor, architecture, device, description and isFallbackAdapter
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeAdapter, requestPerAdapter } from "./device.ts";
 * const adapter = await requestPerAdapter();
 * if (adapter) assert.equal(typeof describeAdapter(adapter).isFallbackAdapter, "boolean");
 * ```
 */
export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacy ?? false),
  };
}

/**
 * Opens a device with the adapter's largest storage binding and buffer sizes (the
 * defaults, 128 MiB and 256 MiB, would cap a chunk of samples lower than the hardware
 * allows).
 *
 * @param adapter the adapter
 * @returns the device
 *
 * @example
 * ```ts
 * import { requestPerAdapter, requestPerDevice } from "./device.ts";
 * const adapter = await requestPerAdapter();
 * if (adapter) (await requestPerDevice(adapter)).destroy();
 * ```
 */
export async function requestPerDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  return await adapter.requestDevice({
    label: "per",
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
}

/**
 * The error for `backend: "webgpu"` where no adapter exists.
 *
 * @returns an Error whose message says what was looked for and what to do
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noAdapterError } from "./device.ts";
 * assert.match(noAdapterError().message, /no WebGPU adapter/);
 * ```
 */
export function noAdapterError(): Error {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  const why = gpu
    ? "navigator.gpu.requestAdapter() returned null (no GPU driver: on Linux install a " +
      "Vulkan driver, such as Debian's mesa-vulkan-drivers)"
    : "this runtime has no navigator.gpu";
  return new Error(`backend "webgpu" found no WebGPU adapter: ${why}; use "wasm" or "auto"`);
}
