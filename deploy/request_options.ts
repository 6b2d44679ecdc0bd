/**
 * The options of a score or gradient request, read from query parameters and from the JSON
 * body, and merged into the options the library takes.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";

/** Which endpoint the options are for. */
export type Endpoint = "score" | "grad";

/** Options as the request gave them, before they are passed to the library. */
export interface RequestOptions {
  /** Directions; `Infinity` (or `exact`) selects the exact mode of /v1/grad. */
  projections?: number;
  /** Seed of the directions. */
  seed?: number;
  /** `flat`, `nchw` or `nhwc`; checked by the library. */
  layout?: string;
  /** `gaussian` or `orthogonal`; checked by the library. */
  sampler?: string;
  /** The backend, passed through to the library, which checks it. */
  backend?: string;
  /** `mean` or `sum` (/v1/grad). */
  reduction?: string;
  /** The exact mode (/v1/grad): the same as `projections: Infinity`. */
  exact?: boolean;
  /** Explicit directions, s × d row-major (JSON bodies give them as rows). */
  theta?: Float64Array;
  /** The number of rows of `theta`. */
  thetaRows?: number;
  /** Include the per-direction values (/v1/score). */
  perProjection?: boolean;
  /** Include the histogram and QQ plot as SVG (/v1/score). */
  plots?: boolean;
  /** The shape of a raw float32 body (query only). */
  shape?: number[];
}

type Kind = "count" | "integer" | "string" | "boolean" | "theta" | "shape";

const COMMON: Record<string, Kind> = {
  projections: "count",
  seed: "integer",
  layout: "string",
  sampler: "string",
  backend: "string",
  exact: "boolean",
};
const ONLY: Record<Endpoint, Record<string, Kind>> = {
  score: { perProjection: "boolean", plots: "boolean" },
  grad: { reduction: "string" },
};

/**
 * Reads the options given as query parameters; `shape` (for raw float32 bodies) is read here
 * too. Each parameter may appear once.
 *
 * @param params the request URL's search parameters
 * @param endpoint the endpoint, which decides the parameters allowed
 * @returns the options given
 * @throws {HttpError} 400 for an unknown, repeated or malformed parameter
 *
 * @example
 * ```ts
 * import { optionsFromQuery } from "./request_options.ts";
 * const o = optionsFromQuery(new URLSearchParams("shape=4,2&projections=64"), "score");
 * console.assert(o.shape?.join() === "4,2" && o.projections === 64);
 * ```
 */
export function optionsFromQuery(params: URLSearchParams, endpoint: Endpoint): RequestOptions {
  const allowed: Record<string, Kind> = { ...COMMON, ...ONLY[endpoint], shape: "shape" };
  const options: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const kind = Object.hasOwn(allowed, key) ? allowed[key] : undefined;
    if (kind === undefined) throw unknown("query parameter", key, allowed);
    const values = params.getAll(key);
    if (values.length > 1) {
      throw bad(`the query parameter ${key} is given ${values.length} times`);
    }
    options[key] = queryValue(key, values[0], kind);
  }
  return options as RequestOptions;
}

/**
 * Reads the options given beside `shape` and `data` in a JSON body.
 *
 * @param root the parsed JSON body (a bare array carries no options)
 * @param endpoint the endpoint, which decides the fields allowed
 * @returns the options given
 * @throws {HttpError} 400 for an unknown field or a value of the wrong type
 *
 * @example
 * ```ts
 * import { optionsFromJson } from "./request_options.ts";
 * const o = optionsFromJson({ shape: [2, 2], data: [1, 2, 3, 4], theta: [[1, 0]] }, "grad");
 * console.assert(o.thetaRows === 1 && o.theta?.length === 2);
 * ```
 */
export function optionsFromJson(root: unknown, endpoint: Endpoint): RequestOptions {
  if (Array.isArray(root) || typeof root !== "object" || root === null) return {};
  const allowed: Record<string, Kind> = { ...COMMON, ...ONLY[endpoint], theta: "theta" };
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(root)) {
    if (key === "shape" || key === "data") continue;
    const kind = Object.hasOwn(allowed, key) ? allowed[key] : undefined;
    if (kind === undefined) throw unknown("field", key, { ...allowed, shape: "", data: "" });
    if (kind === "theta") {
      Object.assign(options, thetaRows(value));
    } else {
      options[key] = jsonValue(key, value, kind);
    }
  }
  return options as RequestOptions;
}

/**
 * Merges options from the query and the body; an option given in both places is an error
 * rather than a silent choice of one.
 *
 * @param query options from the query parameters
 * @param body options from the body
 * @returns the merged options
 * @throws {HttpError} 400 when an option is given in both places
 *
 * @example
 * ```ts
 * import { mergeOptions } from "./request_options.ts";
 * console.assert(mergeOptions({ seed: 1 }, { projections: 8 }).projections === 8);
 * ```
 */
export function mergeOptions(query: RequestOptions, body: RequestOptions): RequestOptions {
  for (const key of Object.keys(body)) {
    if (key !== "thetaRows" && Object.hasOwn(query, key)) {
      throw bad(`${key} is given both as a query parameter and in the body; give it once`);
    }
  }
  return { ...query, ...body };
}

/**
 * The object without its undefined fields, so that the library sees only the options given.
 *
 * @param options options, some undefined
 * @returns a copy without the undefined ones
 *
 * @example
 * ```ts
 * import { definedOptions } from "./request_options.ts";
 * console.assert(Object.keys(definedOptions({ seed: 1, layout: undefined })).join() === "seed");
 * ```
 */
export function definedOptions<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

function queryValue(key: string, text: string, kind: Kind): unknown {
  switch (kind) {
    case "count":
      if (text === "Infinity") return Infinity;
      return count(key, /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN, `"${text}"`);
    case "integer":
      if (!/^[0-9]{1,16}$/.test(text)) {
        throw bad(`the query parameter ${key} is "${short(text)}", not a non-negative integer`);
      }
      return Number(text);
    case "boolean":
      if (text === "true" || text === "1") return true;
      if (text === "false" || text === "0") return false;
      throw bad(`the query parameter ${key} is "${short(text)}", not true, false, 1 or 0`);
    case "shape":
      return queryShape(text);
    default:
      return text;
  }
}

function jsonValue(key: string, value: unknown, kind: Kind): unknown {
  switch (kind) {
    case "count":
      // JSON has no Infinity token, so the exact mode is the string "Infinity".
      if (value === "Infinity") return Infinity;
      if (typeof value !== "number") {
        throw bad(`the field ${key} is ${describe(value)}, not a number`);
      }
      return count(key, value, String(value));
    case "integer":
      if (typeof value !== "number") {
        throw bad(`the field ${key} is ${describe(value)}, not a number`);
      }
      return value;
    case "boolean":
      if (typeof value !== "boolean") {
        throw bad(`the field ${key} is ${describe(value)}, not true or false`);
      }
      return value;
    default:
      if (typeof value !== "string") {
        throw bad(`the field ${key} is ${describe(value)}, not a string`);
      }
      return value;
  }
}

function count(key: string, value: number, shown: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw bad(`${key} is ${short(shown)}, not a positive integer or "Infinity"`);
  }
  return value;
}

/** `theta` as rows of equal length, flattened row-major. */
function thetaRows(value: unknown): { theta: Float64Array; thetaRows: number } {
  if (!Array.isArray(value) || value.length === 0) {
    throw bad(`the field theta is ${describe(value)}, not a non-empty array of rows`);
  }
  const rows = value as unknown[];
  const first = rows[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw bad(`theta[0] is ${describe(first)}, not a non-empty array of numbers (one row)`);
  }
  const d = first.length;
  const theta = new Float64Array(rows.length * d);
  rows.forEach((row, k) => {
    if (!Array.isArray(row) || row.length !== d) {
      throw bad(
        `theta[${k}] is ${Array.isArray(row) ? `a row of ${row.length}` : describe(row)}, ` +
          `but theta[0] holds ${d} numbers`,
      );
    }
    row.forEach((x, j) => {
      if (typeof x !== "number") throw bad(`theta[${k}][${j}] is ${describe(x)}, not a number`);
      theta[k * d + j] = x;
    });
  });
  return { theta, thetaRows: rows.length };
}

function queryShape(text: string): number[] {
  if (!/^[0-9]{1,16}(,[0-9]{1,16}){0,7}$/.test(text)) {
    throw new HttpError(
      400,
      "bad_shape",
      `the query parameter shape is "${short(text)}", not up to 8 positive integers ` +
        "separated by commas, such as 256,512",
    );
  }
  const shape = text.split(",").map(Number);
  shape.forEach((n, axis) => {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new HttpError(
        400,
        "bad_shape",
        `shape[${axis}] is ${n} in the query parameter shape, not a positive integer`,
      );
    }
  });
  return shape;
}

function unknown(what: string, key: string, allowed: Record<string, unknown>): HttpError {
  return bad(
    `unknown ${what} "${short(key)}" (allowed: ${Object.keys(allowed).sort().join(", ")})`,
  );
}

function bad(detail: string): HttpError {
  return new HttpError(400, "bad_request", detail);
}

function short(text: string): string {
  return text.length > 40 ? text.slice(0, 40) + "…" : text;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string "${short(value)}"`;
  if (typeof value === "object") return "an object";
  return String(value);
}
