/**
 * Readers and writers for activation tensors: `.npy`, `.safetensors`, JSON and CSV.
 *
 * This entry is separate from the library's zero-dependency entry because the CSV reader uses
 * the `csv-parse` package.
 *
 * @example Write a `.npy` file's bytes and read them back by name
 * ```ts
 * import { readActivations, writeNpy } from "./mod.ts";
 *
 * const bytes = writeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]);
 * const [t] = readActivations(bytes, "layer.npy");
 * if (t.name !== "layer.npy" || t.shape.join() !== "2,2") throw new Error("wrong");
 * ```
 *
 * @module
 */

export type { Tensor } from "./tensor.ts";
export { ReadError } from "./read_error.ts";
export { readNpy, writeNpy } from "./npy.ts";
export { readSafetensors, writeSafetensors } from "./safetensors.ts";
export { MAX_JSON_DEPTH, readJsonTensor } from "./json.ts";
export { readCsv } from "./csv.ts";
export { readActivations, type ReadActivationsOptions } from "./read_activations.ts";
