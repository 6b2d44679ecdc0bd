/**
 * The steps every compute request shares, in the order that refuses cheaply first: query,
 * media types, body (size, deadline, budget), decoding, options, work caps.
 *
 * @module
 */

import type { BodyBudget } from "./body_budget.ts";
import { HttpError } from "./http_error.ts";
import type { Limits } from "./limits.ts";
import { mediaType, negotiate } from "./media_type.ts";
import { readBody } from "./read_body.ts";
import {
  type Endpoint,
  mergeOptions,
  optionsFromQuery,
  type RequestOptions,
} from "./request_options.ts";
import { checkRequestType, readRequestTensor } from "./request_tensor.ts";
import { checkWork } from "./work_cap.ts";

/** A request ready for the library. */
export interface ComputeRequest {
  /** The activations. */
  data: Float32Array | Float64Array;
  /** Their shape. */
  shape: number[];
  /** Options from the query and the body, merged and checked against the endpoint. */
  options: RequestOptions;
  /** The response type chosen from Accept. */
  responseType: string;
  /** Bytes of the body. */
  bytesIn: number;
  /** Gives the body's bytes back to the budget; call once the response is built. */
  release(): void;
}

/**
 * Reads and checks a score or gradient request up to the point where the library computes.
 *
 * @param request the request
 * @param endpoint which endpoint it is for
 * @param offers the response types the endpoint can produce, preferred first
 * @param limits the service's limits
 * @param budget the process-wide budget of buffered body bytes
 * @param onBody told the body's size as soon as it is read, for the request log
 * @returns the decoded request; its `release` must be called
 * @throws {HttpError} with the status of the first check that fails
 *
 * @example
 * ```ts
 * import { BodyBudget } from "./body_budget.ts";
 * import { DEFAULT_LIMITS } from "./limits.ts";
 * import { readComputeRequest } from "./read_request.ts";
 * const request = new Request("http://localhost/v1/score?seed=3", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ shape: [2, 2], data: [1, 2, 3, 4] }),
 * });
 * const offers = ["application/json"];
 * const budget = new BodyBudget(1 << 20);
 * const input = await readComputeRequest(request, "score", offers, DEFAULT_LIMITS, budget);
 * console.assert(input.options.seed === 3 && input.shape.join() === "2,2");
 * input.release();
 * ```
 */
export async function readComputeRequest(
  request: Request,
  endpoint: Endpoint,
  offers: readonly string[],
  limits: Limits,
  budget: BodyBudget,
  onBody: (bytes: number) => void = () => {},
): Promise<ComputeRequest> {
  let body: Awaited<ReturnType<typeof readBody>> | undefined;
  try {
    const query = optionsFromQuery(new URL(request.url).searchParams, endpoint);
    const type = mediaType(request.headers.get("content-type"));
    checkRequestType(type);
    const responseType = negotiate(request.headers.get("accept"), offers);

    body = await readBody(request, limits, budget);
    onBody(body.bytes.length);
    const tensor = readRequestTensor(type, body.bytes, query, endpoint);
    const options = checkEndpoint(mergeOptions(query, tensor.options), endpoint);
    checkWork(endpoint, tensor.shape, options, limits);
    return {
      data: tensor.data,
      shape: tensor.shape,
      options,
      responseType,
      bytesIn: body.bytes.length,
      release: body.release,
    };
  } catch (err) {
    if (body === undefined) request.body?.cancel().catch(() => {});
    body?.release();
    throw err;
  }
}

/** The exact mode belongs to /v1/grad; /v1/score reports it as perExact beside its others. */
function checkEndpoint(options: RequestOptions, endpoint: Endpoint): RequestOptions {
  const exact = options.exact;
  const infinite = options.projections === Infinity;
  if (endpoint === "score") {
    if (exact === true || infinite) {
      throw new HttpError(
        400,
        "bad_request",
        "/v1/score always reports the exact mode as perExact and needs a finite number of " +
          "projections for the others; the exact option belongs to /v1/grad",
      );
    }
    return options;
  }
  if (exact === true && options.projections !== undefined && !infinite) {
    throw new HttpError(
      400,
      "bad_request",
      `exact is true but projections is ${options.projections}; give one of them`,
    );
  }
  if (exact === false && infinite) {
    throw new HttpError(400, "bad_request", "exact is false but projections is Infinity");
  }
  if (exact === true && options.theta !== undefined) {
    throw new HttpError(
      400,
      "bad_request",
      "the exact mode uses no directions, but theta is given",
    );
  }
  return exact === true ? { ...options, projections: Infinity } : options;
}
