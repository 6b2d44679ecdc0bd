/**
 * Choosing tfjs's backend in Deno, and failing when tfjs would silently fall back.
 *
 * tfjs's wasm backend reads its own `.wasm` file from its package folder; without read
 * permission for that folder it logs the failure and `setBackend("wasm")` resolves to false,
 * after which tfjs keeps running on whatever backend it had. The training script must not
 * report cpu timings as wasm ones, so this module checks the outcome.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

/** The tfjs backends this project trains on. */
export type TfjsBackend = "wasm" | "cpu";

/**
 * The folder holding the wasm backend's `.wasm` files, relative to the project root, as
 * Deno lays out npm packages with `"nodeModulesDir": "auto"`. Deno checks read permission
 * on the real path, not on the `node_modules/@tensorflow` symlink, so this is the folder to
 * name in `--allow-read`.
 */
export const WASM_DIST =
  "node_modules/.deno/@tensorflow+tfjs-backend-wasm@4.22.0/node_modules/@tensorflow/" +
  "tfjs-backend-wasm/dist";

/**
 * Makes `name` tfjs's backend, and checks that it is.
 *
 * The wasm backend runs single-threaded: its multithreaded build needs worker threads that
 * tfjs would start from files, which Deno's permissions and the determinism of a run both
 * argue against.
 *
 * @param name `wasm` (XNNPACK kernels; needs `--allow-read` for {@linkcode WASM_DIST}) or
 *   `cpu` (plain JavaScript kernels; no permission)
 * @throws {RangeError} for an unknown backend name
 * @throws {Error} when tfjs could not start the backend, naming the permission it needs
 * @example
 * ```ts
 * import { useTfjsBackend } from "./tfjs_backend.ts";
 * await useTfjsBackend("cpu");
 * ```
 */
export async function useTfjsBackend(name: TfjsBackend): Promise<void> {
  if (name !== "wasm" && name !== "cpu") {
    throw new RangeError(`backend must be "wasm" or "cpu", got ${String(name)}`);
  }
  if (name === "wasm") tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  if (tf.getBackend() === name) return;
  const ok = await quietly(() => tf.setBackend(name));
  if (!ok || tf.getBackend() !== name) {
    const hint = name === "wasm" ? `; run with --allow-read=${WASM_DIST}` : "";
    throw new Error(`tfjs could not start its ${name} backend${hint}`);
  }
}

/**
 * Runs `f` with console.log, console.warn and console.error silenced: a failing wasm start
 * prints several lines of emscripten diagnostics that the thrown error replaces.
 */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const mute = () => {};
  console.log = console.warn = console.error = mute;
  try {
    return await f();
  } finally {
    Object.assign(console, saved);
  }
}
