/**
 * Reading a request body under the body limit, the body deadline and the process-wide
 * budget of buffered bytes.
 *
 * @module
 */

import type { BodyBudget } from "./body_budget.ts";
import { contentLength, tooLarge } from "./content_length.ts";
import { HttpError } from "./http_error.ts";
import type { Limits } from "./limits.ts";

/** A body read into memory, holding its share of the budget until released. */
export interface ReadBody {
  /** The body's bytes. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Gives the body's bytes back to the budget; call once the request is answered. */
  release(): void;
}

/**
 * Reads the whole body of `request`.
 *
 * The declared Content-Length is judged before anything is read (a 17 MiB claim is refused
 * at once, even when the client then sends nothing), and the bytes are counted while they
 * stream, so a chunked body, or a platform that does not enforce the header, cannot slip more
 * than `limits.maxBodyBytes` past. A body that takes longer than `limits.bodyTimeoutMs` to
 * arrive is a 408, so a client trickling bytes holds nothing for long. The budget is taken
 * as bytes arrive, never for the length a header claims.
 *
 * @param request the request
 * @param limits the body limit and deadline
 * @param budget the process-wide budget the body's bytes are taken from
 * @returns the bytes, and the function giving them back to the budget
 * @throws {HttpError} 400 for a malformed or lying Content-Length or a broken body, 413 for a
 *   body over the limit, 408 past the deadline, 503 when the budget is spent
 *
 * @example
 * ```ts
 * import { BodyBudget } from "./body_budget.ts";
 * import { DEFAULT_LIMITS } from "./limits.ts";
 * import { readBody } from "./read_body.ts";
 * const request = new Request("http://localhost/", { method: "POST", body: "[1, 2]" });
 * const body = await readBody(request, DEFAULT_LIMITS, new BodyBudget(1024));
 * console.assert(body.bytes.length === 6);
 * body.release();
 * ```
 */
export async function readBody(
  request: Request,
  limits: Limits,
  budget: BodyBudget,
): Promise<ReadBody> {
  const max = limits.maxBodyBytes;
  let declared: number | undefined;
  try {
    declared = contentLength(request.headers.get("content-length"), max);
  } catch (err) {
    discard(request);
    throw err;
  }
  if (request.body === null || declared === 0) {
    return { bytes: new Uint8Array(0), release() {} };
  }

  let held = 0;
  const hold = (bytes: number) => {
    if (!budget.reserve(bytes)) {
      throw new HttpError(
        503,
        "busy",
        `the service holds ${budget.held} bytes of request bodies and cannot take ` +
          `${bytes} more now (PER_MAX_BUFFERED_BYTES is ${budget.capacity}); retry shortly`,
        { "Retry-After": "1" },
      );
    }
    held += bytes;
  };
  const release = () => {
    budget.release(held);
    held = 0;
  };

  const reader = request.body.getReader();
  const deadline = Date.now() + limits.bodyTimeoutMs;
  try {
    // Bytes are reserved and kept as they arrive, never for what the header claims: a client
    // that declares 16 MiB and then trickles (or sends nothing) holds only what it has sent,
    // so a handful of such clients cannot spend the whole budget and turn everyone else away
    // with 503 (eight did, when the declared length was reserved and allocated up front).
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const chunk = await readBefore(reader, deadline, limits.bodyTimeoutMs);
      if (chunk === undefined) break;
      size += chunk.length;
      if (declared !== undefined && size > declared) {
        throw new HttpError(
          400,
          "bad_request",
          `the body holds more than the ${declared} bytes its Content-Length declares`,
        );
      }
      // Without a declared length (chunked) only the limit bounds the count.
      if (size > max) throw tooLarge(`the body holds more than ${max} bytes`, max);
      hold(chunk.length);
      chunks.push(chunk);
    }
    if (declared !== undefined && size !== declared) {
      throw new HttpError(
        400,
        "bad_request",
        `the body ended after ${size} of the ${declared} bytes its Content-Length declares`,
      );
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return { bytes, release };
  } catch (err) {
    release();
    reader.cancel().catch(() => {});
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, "bad_request", "the body could not be read to its end");
  }
}

/** Reads one chunk, or refuses with 408 once the deadline has passed. */
async function readBefore(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  deadline: number,
  timeoutMs: number,
): Promise<Uint8Array | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HttpError(
            408,
            "request_timeout",
            `the body did not arrive within ${timeoutMs} ms (PER_BODY_TIMEOUT_MS)`,
          ),
        ),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    const { done, value } = await Promise.race([reader.read(), late]);
    return done ? undefined : value;
  } finally {
    clearTimeout(timer);
  }
}

/** Lets go of a body that will not be read. */
function discard(request: Request): void {
  request.body?.cancel().catch(() => {});
}
