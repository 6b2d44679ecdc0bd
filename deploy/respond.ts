/**
 * Building the service's responses: JSON that never turns a NaN into `null`, raw bytes, and
 * the `{error, detail}` body of every error.
 *
 * @module
 */

import type { HttpError } from "./http_error.ts";

const encoder = new TextEncoder();

/** Headers every API response carries. */
const API_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

/**
 * Serializes `value` as JSON, refusing any number that is not finite: `JSON.stringify` would
 * write NaN and ±Infinity as `null`, which a client would read as a value.
 *
 * @param value what to serialize
 * @returns the UTF-8 bytes
 * @throws {Error} naming the key of the first non-finite number (a fault of the service)
 *
 * @example
 * ```ts
 * import { finiteJson } from "./respond.ts";
 * console.assert(new TextDecoder().decode(finiteJson({ a: [1, 2.5] })) === '{"a":[1,2.5]}');
 * let threw = false;
 * try {
 *   finiteJson({ loss: NaN });
 * } catch {
 *   threw = true;
 * }
 * console.assert(threw);
 * ```
 */
export function finiteJson(value: unknown): Uint8Array<ArrayBuffer> {
  const text = JSON.stringify(value, (key, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new Error(`the response held the non-finite number ${v} at "${key}"`);
    }
    return v;
  });
  return encoder.encode(text);
}

/**
 * A response holding `bytes`, with its length and the API's headers.
 *
 * @param status the HTTP status
 * @param bytes the body
 * @param type the Content-Type
 * @param headers extra headers
 * @returns the response
 *
 * @example
 * ```ts
 * import { bytesResponse } from "./respond.ts";
 * const res = bytesResponse(200, new Uint8Array(3), "application/octet-stream");
 * console.assert(res.headers.get("content-length") === "3");
 * ```
 */
export function bytesResponse(
  status: number,
  bytes: Uint8Array<ArrayBuffer>,
  type: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(bytes, {
    status,
    headers: {
      ...API_HEADERS,
      ...headers,
      "Content-Type": type,
      "Content-Length": String(bytes.length),
    },
  });
}

/**
 * A JSON response (see {@linkcode finiteJson}).
 *
 * @param status the HTTP status
 * @param value the body
 * @param headers extra headers
 * @returns the response
 *
 * @example
 * ```ts
 * import { jsonResponse } from "./respond.ts";
 * console.assert(jsonResponse(200, { status: "ok" }).status === 200);
 * ```
 */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Response {
  return bytesResponse(status, finiteJson(value), "application/json; charset=utf-8", headers);
}

/**
 * The JSON `{error, detail}` response of an HttpError, with its extra headers.
 *
 * @param err the error
 * @returns the response
 *
 * @example
 * ```ts
 * import { HttpError } from "./http_error.ts";
 * import { errorResponse } from "./respond.ts";
 * const res = errorResponse(new HttpError(404, "not_found", "no route for GET /x"));
 * console.assert(res.status === 404);
 * ```
 */
export function errorResponse(err: HttpError): Response {
  return jsonResponse(err.status, { error: err.code, detail: err.message }, { ...err.headers });
}
