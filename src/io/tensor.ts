/**
 * The in-memory form every reader in `src/io/` returns.
 *
 * `data` is always row-major (C order), whatever order the file stored it in. Half-precision
 * inputs (float16, bfloat16) are widened to a `Float32Array`, which holds every such value
 * exactly; float64 inputs stay `Float64Array` so that nothing is rounded on the way in.
 *
 * @example Build a 2 × 3 tensor by hand
 * ```ts
 * import type { Tensor } from "./tensor.ts";
 *
 * const t: Tensor = {
 *   name: "layer1",
 *   shape: [2, 3],
 *   dtype: "float32",
 *   data: new Float32Array([1, 2, 3, 4, 5, 6]),
 * };
 * if (t.data.length !== t.shape[0] * t.shape[1]) throw new Error("unreachable");
 * ```
 */
export interface Tensor {
  /** The tensor's name: the key in a safetensors file, otherwise the source it came from. */
  name: string;
  /** Dimensions, outermost first; `[]` is a scalar holding one value. */
  shape: number[];
  /**
   * The element type as stored in the source: `"float16"`, `"bfloat16"`, `"float32"` or
   * `"float64"`. Text formats (JSON, CSV) report `"float64"`.
   */
  dtype: string;
  /** The values in row-major order; its length is the product of `shape`. */
  data: Float32Array | Float64Array;
}
