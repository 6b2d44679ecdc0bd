/**
 * The `per` command line: scores activation files against N(0, I) and writes PER gradients.
 *
 *     deno task per score layer1.npy layer2.npy
 *     deno task per score model.safetensors --tensor fc1 --json
 *     deno task per grad layer1.npy --out grad.npy --exact
 *     deno run --allow-read --allow-write <url>/src/cli.ts --help
 *
 * It needs read access to the inputs and write access to --out and --plot destinations; the
 * library behind it needs no permissions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main, memoryTerminal } from "./cli.ts";
 * const { terminal, text } = memoryTerminal();
 * assert.ok((await main(["--version"], terminal)) === 0 && text().out.startsWith("per "));
 * ```
 *
 * @module
 */

import { main } from "./cli/main.ts";
import { processTerminal } from "./cli/terminal.ts";

export { main } from "./cli/main.ts";
export { memoryTerminal, processTerminal, type Terminal } from "./cli/terminal.ts";
export { PROGRESS_MIN_BYTES } from "./cli/progress.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args, processTerminal()));
}
