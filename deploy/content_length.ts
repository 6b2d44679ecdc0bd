/**
 * A strict reading of the Content-Length header, checked against the body limit before a
 * single byte of the body is read.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";

/**
 * Reads Content-Length as RFC 9110 defines it, one or more decimal digits, and refuses a body
 * declared larger than `maxBytes`.
 *
 * A looser reading lets lies through: `parseInt("12abc")` is 12, `Number("1e3")` is 1000, and
 * `length > limit` is false for NaN and for negative numbers. Anything but digits is a 400 here
 * (repeated headers arrive joined as `"10, 10"` and are refused too), and digits beyond the
 * limit are a 413 however many there are.
 *
 * @param header the header's value, or `null` when absent
 * @param maxBytes the body limit
 * @returns the declared length, or `undefined` when the header is absent
 * @throws {HttpError} 400 for a malformed value, 413 for a length over `maxBytes`
 *
 * @example
 * ```ts
 * import { contentLength } from "./content_length.ts";
 * console.assert(contentLength("512", 1024) === 512 && contentLength(null, 1024) === undefined);
 * let status = 0;
 * try {
 *   contentLength("12abc", 1024);
 * } catch (err) {
 *   status = (err as { status: number }).status;
 * }
 * console.assert(status === 400);
 * ```
 */
export function contentLength(header: string | null, maxBytes: number): number | undefined {
  if (header === null) return undefined;
  if (!/^[0-9]+$/.test(header)) {
    const shown = header.length > 40 ? header.slice(0, 40) + "…" : header;
    throw new HttpError(
      400,
      "bad_request",
      `Content-Length is "${shown}", not a number of bytes in decimal digits`,
    );
  }
  // Compare as text first so that a length of any number of digits is judged exactly.
  const digits = header.replace(/^0+(?=.)/, "");
  const limit = String(maxBytes);
  if (digits.length > limit.length || (digits.length === limit.length && digits > limit)) {
    throw tooLarge(`Content-Length declares ${digits} bytes`, maxBytes);
  }
  return Number(digits);
}

/**
 * The 413 for a body over the limit.
 *
 * @param what what was found, such as `the body holds more than 16777216 bytes`
 * @param maxBytes the limit
 * @returns the error to throw
 *
 * @example
 * ```ts
 * import { tooLarge } from "./content_length.ts";
 * console.assert(tooLarge("the body is long", 16).status === 413);
 * ```
 */
export function tooLarge(what: string, maxBytes: number): HttpError {
  return new HttpError(
    413,
    "payload_too_large",
    `${what}, over the limit of ${maxBytes} bytes (PER_MAX_BODY_BYTES)`,
  );
}
