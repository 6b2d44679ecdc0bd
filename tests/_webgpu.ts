/**
 * The one way GPU tests skip: `gpuTest` registers a test that runs where
 * navigator.gpu finds an adapter and is ignored, with the reason in its name, where it
 * finds none. CI has an adapter (Mesa lavapipe from mesa-vulkan-drivers) and sets
 * PER_REQUIRE_GPU=1, which webgpu_adapter_test.ts turns into a failure when the adapter is
 * missing, so nothing skips there unnoticed.
 *
 * @module
 */

import { createEngine, type PerEngine } from "../src/engine.ts";
import { requestPerAdapter } from "../src/backends/webgpu/device.ts";

// The Vulkan loader complains on stderr when XDG_RUNTIME_DIR is unset or not private.
if (!Deno.env.get("XDG_RUNTIME_DIR")) {
  const runtimeDir = Deno.makeTempDirSync();
  Deno.env.set("XDG_RUNTIME_DIR", runtimeDir);
  globalThis.addEventListener("unload", () => Deno.removeSync(runtimeDir, { recursive: true }));
}

/** The adapter, found once for all GPU tests (null where there is none). */
export const adapter: GPUAdapter | null = await requestPerAdapter();

const SKIP_REASON = " [skipped: navigator.gpu.requestAdapter() found no WebGPU adapter]";

let shared: Promise<PerEngine> | undefined;

/** One webgpu engine shared by the tests of a file (engines are cheap, devices less so). */
export function gpuEngine(): Promise<PerEngine> {
  shared ??= createEngine({ backend: "webgpu" });
  return shared;
}

/**
 * Registers a GPU test; without an adapter it is ignored and its name says why.
 *
 * @param name what the test shows
 * @param fn the test
 */
export function gpuTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test({
    name: adapter ? name : name + SKIP_REASON,
    ignore: adapter === null,
    // The device's worker threads and mapping callbacks outlive single tests.
    sanitizeOps: false,
    sanitizeResources: false,
    fn,
  });
}
