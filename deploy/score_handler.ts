/**
 * POST /v1/score: the score() JSON of the request's activations, with the page's plots when
 * asked for.
 *
 * @module
 */

import { type Layout, type Sampler, score, type ScoreOptions } from "../mod.ts";
import type { Backend } from "../mod.ts";
import type { BodyBudget } from "./body_budget.ts";
import type { Limits } from "./limits.ts";
import { webgpuEngine } from "./gpu_engine.ts";
import { assertFiniteResult } from "./finite_result.ts";
import { callLibrary } from "./library_error.ts";
import { definedOptions } from "./request_options.ts";
import { readComputeRequest } from "./read_request.ts";
import { jsonResponse } from "./respond.ts";
import { scorePlots } from "./score_plots.ts";
import { sampleCounts } from "./work_cap.ts";

/**
 * Answers a score request: reads and checks it, runs score(), and adds the histogram and QQ
 * plot when `plots` is true.
 *
 * @param request the request
 * @param limits the service's limits
 * @param budget the process-wide budget of buffered body bytes
 * @param onBody told the body's size once it is read, for the request log
 * @returns the JSON response
 * @throws {HttpError} for every refusal, with its status
 *
 * @example
 * ```ts
 * import { BodyBudget } from "./body_budget.ts";
 * import { DEFAULT_LIMITS } from "./limits.ts";
 * import { handleScore } from "./score_handler.ts";
 * const request = new Request("http://localhost/v1/score?projections=16", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ data: [[0.5, -1], [1, 0.25], [-0.5, 2]] }),
 * });
 * const res = await handleScore(request, DEFAULT_LIMITS, new BodyBudget(1 << 20), () => {});
 * console.assert(res.status === 200 && (await res.json()).samples === 3);
 * ```
 */
export async function handleScore(
  request: Request,
  limits: Limits,
  budget: BodyBudget,
  onBody: (bytes: number) => void,
): Promise<Response> {
  const input = await readComputeRequest(request, "score", OFFERS, limits, budget, onBody);
  try {
    const o = input.options;
    const options: ScoreOptions = definedOptions({
      projections: o.projections,
      seed: o.seed,
      theta: o.theta,
      layout: o.layout as Layout | undefined,
      sampler: o.sampler as Sampler | undefined,
      backend: o.backend as Backend | undefined,
      perProjection: o.perProjection,
    });
    const gpu = o.backend === "webgpu" ? await webgpuEngine() : undefined;
    const result = await callLibrary(() =>
      gpu
        ? gpu.score(input.data, input.shape, { ...options, backend: undefined })
        : score(input.data, input.shape, options)
    );
    assertFiniteResult(result, input.data, "score()");
    if (!o.plots) return jsonResponse(200, result);
    const counts = sampleCounts(input.shape, o.layout)!;
    const plots = await scorePlots(input.data, input.shape, o.layout, counts, {
      theta: o.theta,
      projections: result.projections,
      seed: result.seed,
      sampler: o.sampler,
    }, limits.plotMaxValues);
    return jsonResponse(200, { ...result, plots });
  } finally {
    input.release();
  }
}

const OFFERS = ["application/json"];
