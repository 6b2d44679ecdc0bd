/**
 * Media types: the essence of a Content-Type, and the choice among offered types by Accept.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";

/**
 * The media type of a Content-Type header without its parameters, lower-cased
 * (`Application/JSON; charset=utf-8` is `application/json`).
 *
 * @param header the header's value, or `null`
 * @returns the essence, or `""` when the header is absent or empty
 *
 * @example
 * ```ts
 * import { mediaType } from "./media_type.ts";
 * console.assert(mediaType("Application/JSON; charset=utf-8") === "application/json");
 * ```
 */
export function mediaType(header: string | null): string {
  return (header ?? "").split(";")[0].trim().toLowerCase();
}

/**
 * Picks the response type from an Accept header (RFC 9110 §12.5.1): the offered type with the
 * highest quality, ties going to the earlier offer; `*` wildcards match; `q=0` refuses. An
 * absent or empty header accepts the first offer.
 *
 * @param header the Accept header, or `null`
 * @param offers the types the endpoint can produce, preferred first
 * @returns one of `offers`
 * @throws {HttpError} 406 when the header accepts none of them
 *
 * @example
 * ```ts
 * import { negotiate } from "./media_type.ts";
 * const offers = ["application/json", "application/x-npy"];
 * console.assert(negotiate("application/x-npy", offers) === "application/x-npy");
 * console.assert(negotiate("*\/*", offers) === "application/json");
 * ```
 */
export function negotiate(header: string | null, offers: readonly string[]): string {
  if (header === null || header.trim() === "") return offers[0];
  const ranges = header.split(",").map((part) => {
    const [range, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    let q = 1;
    for (const param of params) {
      const match = /^q=([01](?:\.[0-9]{0,3})?)$/.exec(param);
      if (match) q = Number(match[1]);
    }
    return { range, q };
  });
  let best: string | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    const [type] = offer.split("/");
    // The most specific range that matches decides the offer's quality.
    let q: number | undefined;
    let specificity = -1;
    for (const { range, q: rangeQ } of ranges) {
      const level = range === offer ? 2 : range === `${type}/*` ? 1 : range === "*/*" ? 0 : -1;
      if (level > specificity) {
        specificity = level;
        q = rangeQ;
      }
    }
    if (q !== undefined && q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  if (best === undefined) {
    throw new HttpError(
      406,
      "not_acceptable",
      `Accept is "${header.slice(0, 100)}", but this endpoint answers with ${offers.join(" or ")}`,
    );
  }
  return best;
}
