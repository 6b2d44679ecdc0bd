/**
 * Calling the library from a request: the HTTP status of the errors its functions throw.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";

// The library names a bad value as `activations[5] is Infinity` (or a float64 value outside
// the float32 range), a bad direction as `theta row 2 has the non-finite value ...`, and
// finite values too large for the float32 kernels as `the loss overflows: sample 0 has norm
// 4.243e+38, ...`: each is a well-formed request whose numbers cannot be computed with.
const NON_FINITE =
  /^activations\[\d+\] is |^theta row \d+ has the non-finite value |^the \w+ overflows: /;

// RangeErrors that V8 itself throws say the service ran out of something, not that the
// request was malformed.
const ENGINE = new RegExp(
  "^(Invalid (typed )?array length|Array buffer allocation failed|Maximum call stack|" +
    "WebAssembly\\.Memory)",
);

/**
 * Turns what score() or perLossAndGrad() threw into an HttpError: a NaN or infinite value, or
 * values whose projections overflow float32, is 422 (the request was well formed but its
 * numbers cannot be scored), any other RangeError of
 * the library (a shape, option or direction out of its domain) is 400 with the library's
 * sentence. A TypeError cannot come from the client here (the service builds the arguments), so
 * it and anything else is returned unchanged, for the service to answer 500.
 *
 * @param err what was thrown
 * @returns the HttpError, or `err` itself
 *
 * @example
 * ```ts
 * import { fromLibraryError } from "./library_error.ts";
 * const err = fromLibraryError(new RangeError("activations[1] is Infinity"));
 * console.assert((err as { status: number }).status === 422);
 * ```
 */
export function fromLibraryError(err: unknown): unknown {
  if (!(err instanceof RangeError) || ENGINE.test(err.message)) return err;
  if (NON_FINITE.test(err.message)) return new HttpError(422, "non_finite", err.message);
  const code = /^shape|dimension/.test(err.message) ? "bad_shape" : "bad_request";
  return new HttpError(400, code, err.message);
}

/**
 * Runs a library call, awaiting its result so that an asynchronous backend (WebGPU) fits
 * without changing the caller, and turning its argument errors into HttpErrors.
 *
 * @param run the call
 * @returns what it returned
 * @throws {HttpError} 400 or 422 as {@linkcode fromLibraryError} decides; other errors as thrown
 *
 * @example
 * ```ts
 * import { callLibrary } from "./library_error.ts";
 * console.assert((await callLibrary(() => 42)) === 42);
 * ```
 */
export async function callLibrary<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw fromLibraryError(err);
  }
}
