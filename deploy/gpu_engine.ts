/**
 * The WebGPU engine of a service process, for requests that ask for `backend=webgpu`:
 * created at the first such request and kept, since a device and its pipelines are costly
 * to make. Where the runtime has no adapter (Deno Deploy, Supabase, a machine without a
 * GPU driver), the request is answered 400 with the library's explanation.
 *
 * @module
 */

import { createEngine, type PerEngine } from "../mod.ts";
import { HttpError } from "./http_error.ts";

let engine: Promise<PerEngine> | undefined;

/**
 * The process's WebGPU engine.
 *
 * @returns the engine, created on first use
 * @throws {HttpError} 400 backend_unavailable when WebGPU cannot start here
 *
 * @example
 * ```ts ignore
 * import { webgpuEngine } from "./gpu_engine.ts";
 * const gpu = await webgpuEngine();
 * console.log(gpu.adapterInfo?.description);
 * ```
 */
export async function webgpuEngine(): Promise<PerEngine> {
  engine ??= createEngine({ backend: "webgpu" });
  try {
    return await engine;
  } catch (err) {
    // Keep no failed promise: a driver installed later is found by the next request.
    engine = undefined;
    throw new HttpError(400, "backend_unavailable", (err as Error).message);
  }
}
