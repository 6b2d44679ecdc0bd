/**
 * Argument checks shared by the plots, so that every plot words its errors the same way.
 *
 * @module
 */

/** Numbers a plot accepts: typed arrays are read as they are, arrays element by element. */
export type FloatInput = Float32Array | Float64Array | readonly number[];

/** Smallest and largest accepted width or height, in SVG user units (pixels). */
const MIN_SIZE = 120;
const MAX_SIZE = 10_000;

/**
 * Copies finite values into a Float64Array, so later arithmetic runs in float64.
 *
 * @param values The caller's values.
 * @param where The argument's name, used in error messages.
 * @returns A new Float64Array holding the same values.
 * @throws {TypeError} When values is not an array or float typed array, or holds a non-number.
 * @throws {RangeError} When values is empty or holds NaN or an infinity.
 * @example
 * ```ts
 * import { finiteFloat64 } from "./_validate.ts";
 *
 * const x = finiteFloat64(new Float32Array([0.5, -2]), "values");
 * if (!(x instanceof Float64Array) || x[1] !== -2) throw new Error("bad copy");
 * ```
 */
export function finiteFloat64(values: FloatInput, where: string): Float64Array {
  const typed = values instanceof Float32Array || values instanceof Float64Array;
  if (!typed && !Array.isArray(values)) {
    throw new TypeError(
      `${where} is ${describe(values)}, but it must be a Float32Array, Float64Array or number[]`,
    );
  }
  if (values.length === 0) {
    throw new RangeError(`${where} is empty, but a plot needs at least one value`);
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") {
      throw new TypeError(`${where}[${i}] is ${describe(v)}, but it must be a number`);
    }
    if (!Number.isFinite(v)) {
      throw new RangeError(`${where}[${i}] is ${v}, but a plot needs finite values`);
    }
    out[i] = v;
  }
  return out;
}

// d3's linear scales, under the plotting library, divide by the domain's width: it must stay
// finite after the domain is widened to round ticks, so the data may span at most 1e300.
const MAX_SPAN = 1e300;

/**
 * Checks that values span a range a linear axis can show, and returns their extremes.
 *
 * @param values Finite float64 values, at least one.
 * @param where The argument's name, used in the error message.
 * @returns [min, max].
 * @throws {RangeError} When max − min exceeds 1e300.
 * @example
 * ```ts
 * import { axisSpan } from "./_validate.ts";
 *
 * const [min, max] = axisSpan(new Float64Array([3, -1, 2]), "values");
 * if (min !== -1 || max !== 3) throw new Error("bad span");
 * ```
 */
export function axisSpan(values: Float64Array, where: string): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max - min <= MAX_SPAN)) {
    throw new RangeError(
      `${where} span ${min} to ${max}, but a plot's axis can span at most ${MAX_SPAN}`,
    );
  }
  return [min, max];
}

/**
 * Checks one finite number of a chart's data, naming where it sits when it is not.
 *
 * @param v The value.
 * @param where Its location, such as `series[1].y[4]`.
 * @returns v.
 * @throws {TypeError} When v is not a number.
 * @throws {RangeError} When v is NaN or an infinity.
 * @example
 * ```ts
 * import { finiteNumber } from "./_validate.ts";
 *
 * if (finiteNumber(0.25, "series[0].y[3]") !== 0.25) throw new Error("bad value");
 * ```
 */
export function finiteNumber(v: unknown, where: string): number {
  if (typeof v !== "number") {
    throw new TypeError(`${where} is ${describe(v)}, but it must be a number`);
  }
  if (!Number.isFinite(v)) {
    throw new RangeError(`${where} is ${v}, but a plot needs finite values`);
  }
  return v;
}

/**
 * Checks a width or height option, falling back to a default when it is absent.
 *
 * @param v The option's value, possibly undefined.
 * @param where The option's name.
 * @param fallback The default.
 * @returns The size to use.
 * @throws {RangeError} When v is not a number between 120 and 10000.
 * @example
 * ```ts
 * import { plotSize } from "./_validate.ts";
 *
 * if (plotSize(undefined, "options.width", 640) !== 640) throw new Error("bad default");
 * ```
 */
export function plotSize(v: unknown, where: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !(v >= MIN_SIZE && v <= MAX_SIZE)) {
    throw new RangeError(
      `${where} is ${describe(v)}, but it must be a number from ${MIN_SIZE} to ${MAX_SIZE}`,
    );
  }
  return v;
}

/**
 * Checks an integer option such as a bin count, falling back to a default when it is absent.
 *
 * @param v The option's value, possibly undefined.
 * @param where The option's name.
 * @param min The smallest accepted value.
 * @param max The largest accepted value.
 * @param fallback The default, used when v is undefined.
 * @returns The integer to use.
 * @throws {RangeError} When v is not an integer in [min, max].
 * @example
 * ```ts
 * import { integerOption } from "./_validate.ts";
 *
 * if (integerOption(20, "options.bins", 1, 1000, 50) !== 20) throw new Error("bad bins");
 * ```
 */
export function integerOption(
  v: unknown,
  where: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    throw new RangeError(
      `${where} is ${describe(v)}, but it must be an integer from ${min} to ${max}`,
    );
  }
  return v as number;
}

/**
 * Checks a text option (a title or an axis label).
 *
 * @param v The option's value, possibly undefined.
 * @param where The option's name.
 * @returns The text, or undefined when v is undefined.
 * @throws {TypeError} When v is neither a string nor undefined.
 * @example
 * ```ts
 * import { textOption } from "./_validate.ts";
 *
 * if (textOption(undefined, "options.title") !== undefined) throw new Error("bad title");
 * ```
 */
export function textOption(v: unknown, where: string): string | undefined {
  if (v === undefined || typeof v === "string") return v;
  throw new TypeError(`${where} is ${describe(v)}, but it must be a string`);
}

/**
 * Checks a text argument that must be present, such as an axis label.
 *
 * @param v The value.
 * @param where Its name, used in the error message.
 * @returns v.
 * @throws {TypeError} When v is not a string.
 * @example
 * ```ts
 * import { requiredText } from "./_validate.ts";
 *
 * if (requiredText("epoch", "options.xLabel") !== "epoch") throw new Error("bad label");
 * ```
 */
export function requiredText(v: unknown, where: string): string {
  if (typeof v !== "string") {
    throw new TypeError(`${where} is ${describe(v)}, but it must be a string`);
  }
  return v;
}

/**
 * Names a value for an error message without dumping large arrays into it.
 *
 * @param v Any value.
 * @returns A short phrase: the value itself for primitives, else its kind and size.
 * @example
 * ```ts
 * import { describe } from "./_validate.ts";
 *
 * if (describe([1, 2, 3]) !== "an array of length 3") throw new Error("bad phrase");
 * ```
 */
export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") {
    return String(v);
  }
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return `a ${typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v}`;
}
