/**
 * Refusing a result the library could not keep finite, as the client's problem (422) rather
 * than the service's (500).
 *
 * @module
 */

import { HttpError } from "./http_error.ts";

/**
 * Throws a 422 when `result` holds a number that is not finite, naming where and the largest
 * activation.
 *
 * Finite activations can overflow in kernels that compute in float32. The library now refuses
 * projections that overflow (a RangeError, answered 422 by library_error.ts) and forms the
 * covariance in float64 where float32 would overflow; before it did, score() reported
 * covDistance Infinity for values of 1e20 and perLoss Infinity for 3e38, and the service
 * answered those well-formed requests with 500. This check stays as the last word on every
 * result, whichever backend computed it: a non-finite number is the request's 422, never a
 * 500 and never a `null` in the answer.
 *
 * @param result what the library returned: numbers, arrays and typed arrays of numbers, and
 *   objects of those
 * @param data the activations, for the largest magnitude in the message
 * @param what the call, such as `score()`
 * @throws {HttpError} 422 `non_finite` naming the first non-finite field
 *
 * @example
 * ```ts
 * import { assertFiniteResult } from "./finite_result.ts";
 * const data = new Float32Array([1e20, -1e20]);
 * let status = 0;
 * try {
 *   assertFiniteResult({ sw1: 1, covDistance: Infinity }, data, "score()");
 * } catch (err) {
 *   status = (err as { status: number }).status;
 * }
 * console.assert(status === 422);
 * ```
 */
export function assertFiniteResult(
  result: unknown,
  data: Float32Array | Float64Array,
  what: string,
): void {
  const where = nonFinite(result, "");
  if (where === undefined) return;
  let largest = 0;
  for (let i = 0; i < data.length; i++) largest = Math.max(largest, Math.abs(data[i]));
  throw new HttpError(
    422,
    "non_finite",
    `${what} of these activations overflowed float32 at ${where.path} (${where.value}); ` +
      `the largest |activation| is ${largest.toExponential(3)}: scale them down`,
  );
}

/** The path and value of the first number that is not finite, depth first. */
function nonFinite(value: unknown, path: string): { path: string; value: number } | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { path, value };
  if (value instanceof Float32Array || value instanceof Float64Array) {
    const i = value.findIndex((v) => !Number.isFinite(v));
    return i < 0 ? undefined : { path: `${path}[${i}]`, value: value[i] };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = nonFinite(item, path === "" ? key : `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
