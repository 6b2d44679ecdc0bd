/**
 * POST /v1/grad: the PER loss and its gradient with respect to the request's activations, as
 * JSON or as a .npy file, by the Accept header.
 *
 * @module
 */

import {
  type Backend,
  type Layout,
  perLossAndGrad,
  type PerOptions,
  type Reduction,
  type Sampler,
} from "../mod.ts";
import { writeNpy } from "../src/io/mod.ts";
import type { BodyBudget } from "./body_budget.ts";
import type { Limits } from "./limits.ts";
import { webgpuEngine } from "./gpu_engine.ts";
import { assertFiniteResult } from "./finite_result.ts";
import { callLibrary } from "./library_error.ts";
import { readComputeRequest } from "./read_request.ts";
import { definedOptions } from "./request_options.ts";
import { bytesResponse, finiteJson } from "./respond.ts";

/** The response types of /v1/grad, preferred first. */
export const GRAD_TYPES: readonly string[] = [
  "application/json",
  "application/x-npy",
  "application/octet-stream",
];

/** The header carrying the loss with every gradient, as JavaScript prints the number. */
export const LOSS_HEADER = "X-PER-Loss";

/** The response header naming the backend that computed the gradient. */
export const BACKEND_HEADER = "X-PER-Backend";

/**
 * Answers a gradient request. JSON: `{loss, shape, layout, exact, projections?, seed?, grad}`
 * with `grad` flat and row-major in the input's layout. `application/x-npy` (or
 * `application/octet-stream`): a float32 .npy file of the input's shape. Both carry the loss in
 * the {@linkcode LOSS_HEADER} header.
 *
 * @param request the request
 * @param limits the service's limits
 * @param budget the process-wide budget of buffered body bytes
 * @param onBody told the body's size once it is read, for the request log
 * @returns the response
 * @throws {HttpError} for every refusal, with its status
 *
 * @example
 * ```ts
 * import { BodyBudget } from "./body_budget.ts";
 * import { handleGrad } from "./grad_handler.ts";
 * import { DEFAULT_LIMITS } from "./limits.ts";
 * const request = new Request("http://localhost/v1/grad?exact=true", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ shape: [2, 2], data: [0.5, -1, 2, 0.25] }),
 * });
 * const res = await handleGrad(request, DEFAULT_LIMITS, new BodyBudget(1 << 20), () => {});
 * const body = await res.json();
 * console.assert(body.grad.length === 4 && body.exact === true);
 * ```
 */
export async function handleGrad(
  request: Request,
  limits: Limits,
  budget: BodyBudget,
  onBody: (bytes: number) => void,
): Promise<Response> {
  const input = await readComputeRequest(request, "grad", GRAD_TYPES, limits, budget, onBody);
  try {
    const o = input.options;
    const options: PerOptions = definedOptions({
      projections: o.projections,
      seed: o.seed,
      theta: o.theta,
      reduction: o.reduction as Reduction | undefined,
      layout: o.layout as Layout | undefined,
      sampler: o.sampler as Sampler | undefined,
      backend: o.backend as Backend | undefined,
    });
    const gpu = o.backend === "webgpu" ? await webgpuEngine() : undefined;
    const onGpu = { ...options, backend: undefined };
    const { loss, grad } = await callLibrary(() =>
      gpu
        ? gpu.perLossAndGrad(input.data, input.shape, onGpu)
        : perLossAndGrad(input.data, input.shape, options)
    );
    const backend = gpu
      ? gpu.backendFor(input.data, input.shape, onGpu)
      : options.backend === "js"
      ? "js"
      : "wasm";
    assertFiniteResult({ loss, grad }, input.data, "perLossAndGrad()");
    const headers = { [LOSS_HEADER]: String(loss), [BACKEND_HEADER]: backend };
    if (input.responseType !== "application/json") {
      // writeNpy allocates a fresh ArrayBuffer; its declared type is only the wider one.
      const npy = writeNpy(grad, input.shape) as Uint8Array<ArrayBuffer>;
      return bytesResponse(200, npy, input.responseType, headers);
    }

    const exact = o.projections === Infinity;
    const meta = {
      loss,
      shape: input.shape,
      layout: o.layout ?? "flat",
      exact,
      backend,
      ...(exact ? {} : { projections: o.thetaRows ?? o.projections ?? 256 }),
      ...(exact || o.theta !== undefined ? {} : { seed: o.seed ?? 0 }),
    };
    const body = jsonWithGrad(new TextDecoder().decode(finiteJson(meta)), grad);
    return bytesResponse(200, body, "application/json; charset=utf-8", headers);
  } finally {
    input.release();
  }
}

/**
 * Values printed per piece, so that a 4M-value gradient never exists as one string: answering
 * a 4000 × 1024 gradient through one join() peaked at 1078 MB, in pieces at 579 MB
 * (bench/service_limits.ts, no heap limit). The .npy answer peaks at 245 MB.
 */
const PIECE = 1 << 16;

/**
 * `meta` with a `grad` field appended, written piece by piece. Each float32 is printed by
 * join() as JSON prints numbers; every value was checked finite, so none can come out as NaN.
 */
function jsonWithGrad(meta: string, grad: Float32Array): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const pieces = [encoder.encode(`${meta.slice(0, -1)},"grad":[`)];
  for (let i = 0; i < grad.length; i += PIECE) {
    pieces.push(encoder.encode((i > 0 ? "," : "") + grad.subarray(i, i + PIECE).join(",")));
  }
  pieces.push(encoder.encode("]}"));
  const out = new Uint8Array(pieces.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
