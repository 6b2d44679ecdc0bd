/**
 * Naming a tensor in output and messages, and reading its shape as samples × units.
 *
 * @module
 */

import type { Layout } from "../../mod.ts";
import type { Tensor } from "../io/tensor.ts";
import { type SampleShape, sampleShape } from "../layout.ts";
import { about } from "./errors.ts";

/** Where a tensor came from, as the output reports it. */
export interface TensorSource {
  /** The file as the user gave it. */
  file: string;
  /** The tensor's name in a .safetensors file; null for formats holding one tensor. */
  tensor: string | null;
  /** The element type stored in the file. */
  dtype: string;
  /** The tensor's shape. */
  shape: readonly number[];
  /** The layout the shape is read in. */
  layout: Layout;
}

/**
 * The sources of a file's tensors. Readers of single-tensor formats (npy, JSON, CSV) name the
 * tensor after the file; only a safetensors file gives names of its own.
 *
 * @param file the file as given
 * @param tensors what the reader returned
 * @param layout the layout of --layout
 * @returns one source per tensor
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourcesOf } from "./tensor_view.ts";
 * const t = { name: "a.npy", shape: [1], dtype: "float32", data: new Float32Array(1) };
 * assert.ok(sourcesOf("a.npy", [t], "flat")[0].tensor === null);
 * ```
 */
export function sourcesOf(file: string, tensors: readonly Tensor[], layout: Layout) {
  const named = !(tensors.length === 1 && tensors[0].name === file);
  return tensors.map((t): TensorSource => ({
    file,
    tensor: named ? t.name : null,
    dtype: t.dtype,
    shape: t.shape,
    layout,
  }));
}

/**
 * How messages and headings name a tensor: the file, with the tensor's name in brackets when
 * it has one.
 *
 * @param source the tensor's source
 * @returns `file` or `file [tensor]`
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelOf } from "./tensor_view.ts";
 * const source = {
 *   file: "m.safetensors",
 *   tensor: "fc1",
 *   dtype: "float32",
 *   shape: [1],
 *   layout: "flat" as const,
 * };
 * assert.ok(labelOf(source) === "m.safetensors [fc1]");
 * ```
 */
export function labelOf(source: TensorSource): string {
  return source.tensor === null ? source.file : `${source.file} [${source.tensor}]`;
}

/**
 * The tensor as samples × units under the layout; the layout's shape errors name the tensor.
 *
 * @param tensor the tensor read
 * @param source where it came from, with the layout
 * @returns the sample view
 * @throws {CliError} for a shape the layout does not take
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourcesOf, viewOf } from "./tensor_view.ts";
 * const t = { name: "a.npy", shape: [4, 3], dtype: "float32", data: new Float32Array(12) };
 * assert.ok(viewOf(t, sourcesOf("a.npy", [t], "flat")[0]).dim === 3);
 * ```
 */
export function viewOf(tensor: Tensor, source: TensorSource): SampleShape {
  try {
    return sampleShape(tensor.shape, tensor.data.length, source.layout);
  } catch (err) {
    throw about(labelOf(source), err);
  }
}
