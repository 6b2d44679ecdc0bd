/**
 * The activations of a request, decoded by media type: JSON, .npy, or raw little-endian
 * float32 with the shape in the query.
 *
 * @module
 */

import { MAX_JSON_DEPTH, ReadError, readJsonTensor, readNpy } from "../src/io/mod.ts";
import { HttpError } from "./http_error.ts";
import { checkJsonDepth } from "./json_depth.ts";
import { topLevelFields } from "./json_fields.ts";
import { type Endpoint, optionsFromJson, type RequestOptions } from "./request_options.ts";

/** The media types a score or gradient request may carry. */
export const REQUEST_TYPES: readonly string[] = [
  "application/json",
  "application/x-npy",
  "application/octet-stream",
];

/** Activations and the options found beside them. */
export interface RequestTensor {
  /** The values, row-major. */
  data: Float32Array | Float64Array;
  /** Their shape. */
  shape: number[];
  /** Options given in a JSON body. */
  options: RequestOptions;
}

const TENSOR_FIELDS: ReadonlySet<string> = new Set(["shape", "data"]);

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/**
 * Decodes a request body.
 *
 * - `application/json`: `{shape?, data, ...options}` or a bare nested array; `NaN` and
 *   `Infinity` are not JSON (400), while a number such as `1e400` parses to Infinity and is
 *   refused later by index (422).
 * - `application/x-npy`: a .npy file (float16, float32 or float64).
 * - `application/octet-stream`: a .npy file when it starts with the .npy magic string,
 *   otherwise raw little-endian float32 whose shape is the `shape` query parameter.
 *
 * @param type the request's media type (see `mediaType`)
 * @param bytes the body
 * @param query the options from the query, for the shape of a raw body
 * @param endpoint the endpoint, which decides the options allowed in a JSON body
 * @returns the activations, their shape, and the options of a JSON body
 * @throws {HttpError} 415 for another media type; 400 for malformed or inconsistent input
 *
 * @example
 * ```ts
 * import { readRequestTensor } from "./request_tensor.ts";
 * const raw = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
 * const t = readRequestTensor("application/octet-stream", raw, { shape: [2, 2] }, "score");
 * console.assert(t.data[3] === 4 && t.shape.join() === "2,2");
 * ```
 */
export function readRequestTensor(
  type: string,
  bytes: Uint8Array,
  query: RequestOptions,
  endpoint: Endpoint,
): RequestTensor {
  if (type === "application/json") return fromJson(bytes, query, endpoint);
  if (type === "application/x-npy") return fromNpy(bytes, query);
  if (type === "application/octet-stream") {
    const isNpy = NPY_MAGIC.every((b, i) => bytes[i] === b);
    return isNpy ? fromNpy(bytes, query) : fromRaw(bytes, query);
  }
  checkRequestType(type);
  throw new Error(`unreachable: ${type} passed checkRequestType`);
}

/**
 * Refuses a media type that no score or gradient request may carry.
 *
 * @param type the request's media type (see `mediaType`), `""` when absent
 * @throws {HttpError} 415 naming the types accepted
 *
 * @example
 * ```ts
 * import { checkRequestType } from "./request_tensor.ts";
 * checkRequestType("application/x-npy");
 * ```
 */
export function checkRequestType(type: string): void {
  if (REQUEST_TYPES.includes(type)) return;
  throw new HttpError(
    415,
    "unsupported_media_type",
    `${type === "" ? "a body without Content-Type" : `Content-Type ${type}`} is not ` +
      `accepted; send ${REQUEST_TYPES.join(", ")} (raw float32 with ?shape=B,d)`,
  );
}

function fromJson(bytes: Uint8Array, query: RequestOptions, endpoint: Endpoint): RequestTensor {
  if (query.shape !== undefined) {
    throw new HttpError(
      400,
      "bad_shape",
      "a JSON body gives its shape in the body, not the query",
    );
  }
  // The data may nest MAX_JSON_DEPTH deep inside the top-level object.
  checkJsonDepth(bytes, MAX_JSON_DEPTH + 1);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "invalid_json", "the JSON body is not valid UTF-8");
  }
  const tensor = read(() => readJsonTensor(text, "request body"));
  // The reader leaves the fields beside shape and data to its callers.
  const fields = topLevelFields(text, TENSOR_FIELDS);
  const options = fields === undefined ? {} : optionsFromJson(fields, endpoint);
  return { data: tensor.data, shape: tensor.shape, options };
}

function fromNpy(bytes: Uint8Array, query: RequestOptions): RequestTensor {
  if (query.shape !== undefined) {
    throw new HttpError(400, "bad_shape", "a .npy body gives its shape in its header");
  }
  const tensor = read(() => readNpy(bytes, "request body"));
  return { data: tensor.data, shape: tensor.shape, options: {} };
}

function fromRaw(bytes: Uint8Array, query: RequestOptions): RequestTensor {
  const shape = query.shape;
  if (shape === undefined) {
    throw new HttpError(
      400,
      "bad_shape",
      "an application/octet-stream body that is not a .npy file is raw float32 and needs " +
        "its shape as a query parameter, such as ?shape=256,512",
    );
  }
  const count = shape.reduce((a, n) => a * BigInt(n), 1n);
  if (count * 4n !== BigInt(bytes.length)) {
    throw new HttpError(
      400,
      "bad_shape",
      `shape ${shape.join(",")} holds ${count} float32 values (${count * 4n} bytes) but the ` +
        `body holds ${bytes.length} bytes`,
    );
  }
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(4 * i, true);
  return { data, shape, options: {} };
}

/** Runs a reader, turning its ReadError into a 400 that carries the reader's sentence. */
function read<T>(reader: () => T): T {
  try {
    return reader();
  } catch (err) {
    if (!(err instanceof ReadError)) throw err;
    const code = err.detail.startsWith("is not valid JSON") ? "invalid_json" : "bad_request";
    throw new HttpError(400, code, err.message);
  }
}
