/**
 * The error a request handler throws to answer with a status and a JSON `{error, detail}`.
 *
 * @module
 */

/** Short machine-readable names of the errors the service answers with. */
export type ErrorCode =
  | "bad_request"
  | "invalid_json"
  | "bad_shape"
  | "backend_unavailable"
  | "non_finite"
  | "payload_too_large"
  | "work_too_large"
  | "unsupported_media_type"
  | "not_acceptable"
  | "not_found"
  | "method_not_allowed"
  | "request_timeout"
  | "busy"
  | "internal";

/**
 * An HTTP error with its status, a stable code and a one-sentence detail for the client.
 *
 * @example
 * ```ts
 * import { HttpError } from "./http_error.ts";
 * const err = new HttpError(413, "payload_too_large", "the body holds more than 16 bytes");
 * console.assert(err.status === 413 && err.message === "the body holds more than 16 bytes");
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The `error` field of the response. */
  readonly code: ErrorCode;
  /** Extra response headers, such as `Allow` or `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param status the HTTP status, 4xx or 5xx
   * @param code the stable error name
   * @param detail what is wrong, as one sentence without a trailing period
   * @param headers extra response headers
   */
  constructor(
    status: number,
    code: ErrorCode,
    detail: string,
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}
