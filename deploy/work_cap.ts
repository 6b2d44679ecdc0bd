/**
 * The caps on the work one request may ask for, checked before any is done.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";
import { LIMIT_VARIABLES, type Limits } from "./limits.ts";
import type { Endpoint, RequestOptions } from "./request_options.ts";

/** Samples and units per sample of a shape read through a layout. */
export interface SampleCounts {
  /** n: samples. */
  samples: number;
  /** d: units per sample. */
  dim: number;
}

/** How much slower the float64 `js` backend is than the kernels (measured 2–6×, rounded up). */
export const JS_BACKEND_WEIGHT = 8;

/**
 * Samples and units of `shape` as the library reads it (`flat`: [n, d] or [d]; `nhwc`,
 * `nchw`: rank 4 with C units).
 *
 * @param shape the activations' shape
 * @param layout the layout, `flat` when absent
 * @returns the counts, or `undefined` for a shape or layout the library will refuse itself
 *
 * @example
 * ```ts
 * import { sampleCounts } from "./work_cap.ts";
 * console.assert(sampleCounts([2, 3, 4, 5], "nchw")?.samples === 40);
 * ```
 */
export function sampleCounts(
  shape: readonly number[],
  layout: string | undefined,
): SampleCounts | undefined {
  const rank = shape.length;
  if (layout === undefined || layout === "flat") {
    if (rank === 1) return { samples: 1, dim: shape[0] };
    if (rank === 2) return { samples: shape[0], dim: shape[1] };
    return undefined;
  }
  if (rank !== 4) return undefined;
  if (layout === "nhwc") return { samples: shape[0] * shape[1] * shape[2], dim: shape[3] };
  if (layout === "nchw") return { samples: shape[0] * shape[2] * shape[3], dim: shape[1] };
  return undefined;
}

/**
 * Refuses a request whose work exceeds the caps, each a product of the request's sizes:
 *
 * - samples (both endpoints): the per-sample tables and buffers;
 * - samples × dimension × projections (both endpoints): the projections themselves;
 * - projections × dimension: the direction values drawn and held;
 * - projections × dimension × min(projections, dimension), for orthogonal directions: their
 *   orthonormalization;
 * - /v1/score only: samples × projections (the values it sorts) and samples × dimension² (the
 *   covariance it summarizes).
 *
 * The exact mode counts as one projection and draws no directions. Work on the `js` backend
 * counts {@linkcode JS_BACKEND_WEIGHT} times.
 *
 * @param endpoint the endpoint
 * @param shape the activations' shape
 * @param options the request's options
 * @param limits the caps
 * @throws {HttpError} 413 naming the product, its factors, its value, the cap and the variable
 *   that sets it
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS } from "./limits.ts";
 * import { checkWork } from "./work_cap.ts";
 * checkWork("score", [256, 512], { projections: 256 }, DEFAULT_LIMITS);
 * ```
 */
export function checkWork(
  endpoint: Endpoint,
  shape: readonly number[],
  options: RequestOptions,
  limits: Limits,
): void {
  const counts = sampleCounts(shape, options.layout);
  if (counts === undefined) return;
  const { samples: n, dim: d } = counts;
  const exact = options.exact === true || options.projections === Infinity;
  const s = options.thetaRows ?? (exact ? 1 : options.projections ?? 256);
  const drawn = !exact && options.theta === undefined;
  const weight = options.backend === "js" ? JS_BACKEND_WEIGHT : 1;

  const caps: Cap[] = [
    ["samples", `${n}`, n, "maxSamples", 1],
    ["samples × dimension × projections", `${n} × ${d} × ${s}`, n * d * s, "maxWork", weight],
  ];
  if (drawn) {
    caps.push(["projections × dimension", `${s} × ${d}`, s * d, "maxDirectionValues", 1]);
    if (options.sampler === "orthogonal") {
      const m = Math.min(s, d);
      caps.push([
        "projections × dimension × min(projections, dimension) for orthogonal directions",
        `${s} × ${d} × ${m}`,
        s * d * m,
        "maxOrthogonalWork",
        1,
      ]);
    }
  }
  if (endpoint === "score") {
    caps.push(
      ["samples × projections", `${n} × ${s}`, n * s, "maxSortedValues", 1],
      ["samples × dimension²", `${n} × ${d}²`, n * d * d, "maxCovarianceWork", 1],
    );
  }
  for (const [what, factors, value, key, times] of caps) {
    const cap = limits[key];
    if (value * times > cap) {
      const on = times === 1 ? "" : ` on the js backend, which counts ${times} times,`;
      throw new HttpError(
        413,
        "work_too_large",
        `${what} is ${factors === String(value) ? "" : `${factors} = `}${value}${on} ` +
          `over the cap of ${cap} ` +
          `(${LIMIT_VARIABLES[key]}); send fewer samples or projections`,
      );
    }
  }
}

/** What a cap limits, its factors, their product, the limit, and the product's weight. */
type Cap = [string, string, number, keyof Limits, number];
