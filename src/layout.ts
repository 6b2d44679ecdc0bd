/**
 * Shapes and layouts: how a tensor of activations maps to n samples of d units, and the
 * copies between the caller's layout and the kernels' row-major [n, d] rows.
 *
 * - `flat`: [n, d], or [d] for one sample.
 * - `nhwc`: [N, H, W, C] is N·H·W samples of C units (the same memory as flat).
 * - `nchw`: [N, C, H, W] is N·H·W samples of C units: a channel is a unit and every
 *   image position a sample, as batch normalization treats convolutions.
 *
 * @module
 */

import { describeValue } from "./describe.ts";

/** How the dimensions of the activations map to samples and units. */
export type Layout = "flat" | "nchw" | "nhwc";

/** The activations seen as samples × units. */
export interface SampleShape {
  /** The caller's shape, copied. */
  readonly shape: readonly number[];
  /** The caller's layout. */
  readonly layout: Layout;
  /** n: number of samples. */
  readonly samples: number;
  /** d: units per sample. */
  readonly dim: number;
  /** Positions per image (H·W) for nchw; 1 otherwise. */
  readonly positions: number;
}

const LAYOUTS: readonly Layout[] = ["flat", "nchw", "nhwc"];

/**
 * Checks `shape` against the data length and the layout, and returns the sample view.
 *
 * @param shape dimensions of the activations
 * @param length number of values in the data
 * @param layout how dimensions map to samples and units
 * @returns samples, units and the positions per image
 * @throws {RangeError} for an empty shape, a dimension that is not a positive integer, a
 *   rank the layout does not take, or a product that differs from the data length
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleShape } from "./layout.ts";
 * const view = sampleShape([2, 3, 4, 4], 96, "nchw");
 * assert.ok(view.samples === 32 && view.dim === 3);
 * ```
 */
export function sampleShape(
  shape: readonly number[],
  length: number,
  layout: Layout = "flat",
): SampleShape {
  if (!LAYOUTS.includes(layout)) {
    throw new RangeError(`layout must be "flat", "nchw" or "nhwc", got ${String(layout)}`);
  }
  if (!Array.isArray(shape)) throw new TypeError("shape must be an array of dimensions");
  if (shape.length === 0) throw new RangeError("shape [] has no dimensions");
  // An index loop, not forEach: a shape with holes ([, 50]) must not skip them.
  for (let axis = 0; axis < shape.length; axis++) {
    const size = shape[axis];
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(
        `shape[${axis}] is ${describeValue(size)}: every dimension must be a positive ` +
          `integer (shape ${describe(shape)})`,
      );
    }
  }
  const product = shape.reduce((a, b) => a * b, 1);
  if (product !== length) {
    throw new RangeError(
      `shape ${describe(shape)} holds ${product} values but the data has ${length}`,
    );
  }
  const copy = [...shape];
  if (layout === "flat") {
    if (shape.length > 2) {
      throw new RangeError(
        `shape ${describe(shape)} has rank ${shape.length}; layout "flat" takes [samples, ` +
          `units] or [units] (use "nchw" or "nhwc" for rank 4)`,
      );
    }
    const dim = shape[shape.length - 1];
    return { shape: copy, layout, samples: product / dim, dim, positions: 1 };
  }
  if (shape.length !== 4) {
    throw new RangeError(
      `shape ${describe(shape)} has rank ${shape.length}; layout "${layout}" needs rank 4`,
    );
  }
  if (layout === "nhwc") {
    const dim = shape[3];
    return { shape: copy, layout, samples: product / dim, dim, positions: 1 };
  }
  const [n, c, h, w] = shape;
  return { shape: copy, layout, samples: n * h * w, dim: c, positions: h * w };
}

function describe(shape: readonly unknown[]): string {
  return `[${
    Array.from(shape, (v) => typeof v === "string" ? JSON.stringify(v) : String(v))
      .join(", ")
  }]`;
}

/**
 * Flat index in the caller's array of unit `unit` of sample `sample`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleShape, sourceIndex } from "./layout.ts";
 * const view = sampleShape([1, 2, 1, 2], 4, "nchw");
 * assert.ok(sourceIndex(view, 1, 1) === 3);
 * ```
 */
export function sourceIndex(view: SampleShape, sample: number, unit: number): number {
  if (view.layout !== "nchw") return sample * view.dim + unit;
  const image = Math.floor(sample / view.positions);
  const position = sample - image * view.positions;
  return (image * view.dim + unit) * view.positions + position;
}

/** Sample and unit of flat index `index` of the caller's array. */
export function sampleOf(view: SampleShape, index: number): { sample: number; unit: number } {
  if (view.layout !== "nchw") {
    return { sample: Math.floor(index / view.dim), unit: index % view.dim };
  }
  const position = index % view.positions;
  const rest = Math.floor(index / view.positions);
  const unit = rest % view.dim;
  const image = Math.floor(rest / view.dim);
  return { sample: image * view.positions + position, unit };
}

/**
 * Copies samples [first, last) of `source` (the caller's layout) into rows of `target`
 * starting at `offset`, `stride` floats apart; the stride's extra columns are zeroed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherRows, sampleShape } from "./layout.ts";
 * const view = sampleShape([2, 3], 6);
 * const rows = new Float32Array(8);
 * gatherRows(new Float32Array([1, 2, 3, 4, 5, 6]), view, 0, 2, rows, 0, 4);
 * assert.ok(rows[4] === 4 && rows[3] === 0);
 * ```
 */
export function gatherRows(
  source: Float32Array | Float64Array,
  view: SampleShape,
  first: number,
  last: number,
  target: Float32Array | Float64Array,
  offset: number,
  stride: number,
): void {
  const d = view.dim;
  if (view.layout !== "nchw") {
    if (stride === d) {
      target.set(source.subarray(first * d, last * d), offset);
      return;
    }
    for (let i = first; i < last; i++) {
      const row = offset + (i - first) * stride;
      target.set(source.subarray(i * d, i * d + d), row);
      target.fill(0, row + d, row + stride);
    }
    return;
  }
  // nchw: a transposition per image of the [C, H·W] block into [H·W, C] rows.
  const p = view.positions;
  for (let i = first; i < last; i++) {
    const image = Math.floor(i / p);
    const position = i - image * p;
    const base = image * d * p + position;
    const row = offset + (i - first) * stride;
    for (let c = 0; c < d; c++) target[row + c] = source[base + c * p];
    if (stride > d) target.fill(0, row + d, row + stride);
  }
}

/**
 * Copies rows of `rows` (from `offset`, `stride` apart) back into samples [first, last) of
 * `target` in the caller's layout: the inverse of gatherRows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleShape, scatterRows } from "./layout.ts";
 * const view = sampleShape([2, 3], 6);
 * const out = new Float32Array(6);
 * scatterRows(new Float32Array([1, 2, 3, 0, 4, 5, 6, 0]), 0, 4, view, 0, 2, out);
 * assert.ok(out[3] === 4);
 * ```
 */
export function scatterRows(
  rows: Float32Array | Float64Array,
  offset: number,
  stride: number,
  view: SampleShape,
  first: number,
  last: number,
  target: Float32Array | Float64Array,
): void {
  const d = view.dim;
  if (view.layout !== "nchw") {
    if (stride === d) {
      target.set(rows.subarray(offset, offset + (last - first) * d), first * d);
      return;
    }
    for (let i = first; i < last; i++) {
      const row = offset + (i - first) * stride;
      target.set(rows.subarray(row, row + d), i * d);
    }
    return;
  }
  const p = view.positions;
  for (let i = first; i < last; i++) {
    const image = Math.floor(i / p);
    const position = i - image * p;
    const base = image * d * p + position;
    const row = offset + (i - first) * stride;
    for (let c = 0; c < d; c++) target[base + c * p] = rows[row + c];
  }
}
