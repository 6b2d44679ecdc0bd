/**
 * The HTTP service as a Hono app: routes, CORS, the request log and the JSON errors. Every
 * entry point (deno serve, Deno Deploy, Supabase) builds it from its configuration.
 *
 * Stateless: nothing outlives a request except the budget of body bytes in flight. The
 * kernels are synchronous and run on the request's turn of the event loop; the body limit and
 * the work caps bound how long one request holds it.
 *
 * @module
 */

// Pinned in full here rather than in deno.json's import map, like the readers and plots: the
// Supabase function and Deno Deploy then run these files as they are, with no map to ship.
// deno-lint-ignore no-import-prefix
import { Hono } from "npm:hono@4.13.23";
// deno-lint-ignore no-import-prefix
import { cors } from "npm:hono@4.13.23/cors";
import { BodyBudget } from "./body_budget.ts";
import type { ServiceConfig } from "./config.ts";
import { BACKEND_HEADER, GRAD_TYPES, handleGrad, LOSS_HEADER } from "./grad_handler.ts";
import { HttpError } from "./http_error.ts";
import { PAGE_CSP, PAGE_HTML } from "./page/page.generated.ts";
import { bytesResponse, errorResponse, jsonResponse } from "./respond.ts";
import { handleScore } from "./score_handler.ts";

type Env = { Variables: { bytesIn: number; failure: string } };

const PAGE_BYTES = new TextEncoder().encode(PAGE_HTML);

/**
 * Builds the service.
 *
 * - `POST /v1/score`: the score() JSON (see `score_handler.ts`).
 * - `POST /v1/grad`: the loss and gradient, JSON or .npy by Accept (see `grad_handler.ts`).
 * - `GET /v1/health`: 200 with the limits in force.
 * - `GET /`: the page.
 *
 * Every error is JSON `{error, detail}`; an unexpected failure is a 500 whose detail says
 * nothing about the service's insides, and whose cause goes to the request log.
 *
 * @param config limits, CORS, log and mount path
 * @returns the app; its `fetch` serves requests
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import { DEFAULT_LIMITS } from "./limits.ts";
 * const config = { limits: DEFAULT_LIMITS, corsOrigins: [], log: undefined, basePath: "" };
 * const app = createApp(config);
 * const res = await app.fetch(new Request("http://localhost/v1/health"));
 * console.assert(res.status === 200);
 * ```
 */
export function createApp(config: ServiceConfig): Hono<Env> {
  const { limits, log } = config;
  const budget = new BodyBudget(limits.maxBufferedBytes);
  const root = new Hono<Env>({ strict: false });
  const app = config.basePath ? root.basePath(config.basePath) : root;

  // One line per request, written once the response exists.
  app.use(async (c, next) => {
    const start = performance.now();
    await next();
    if (!log) return;
    const ms = (performance.now() - start).toFixed(1);
    const out = c.res.headers.get("content-length") ?? "0";
    const failure = c.get("failure");
    log(
      `${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms in=${c.get("bytesIn") ?? 0}B ` +
        `out=${out}B${failure ? ` error=${JSON.stringify(failure)}` : ""}`,
    );
  });

  if (config.corsOrigins.length > 0) {
    app.use(
      "/v1/*",
      cors({
        origin: config.corsOrigins.includes("*") ? "*" : [...config.corsOrigins],
        allowMethods: ["GET", "POST", "OPTIONS"],
        allowHeaders: ["Content-Type", "Accept"],
        exposeHeaders: [LOSS_HEADER, BACKEND_HEADER, "Retry-After"],
        maxAge: 600,
      }),
    );
  }

  const onBody = (c: { set(key: "bytesIn", value: number): void }) => (bytes: number) =>
    c.set("bytesIn", bytes);
  app.post("/v1/score", (c) => handleScore(c.req.raw, limits, budget, onBody(c)));
  app.post("/v1/grad", (c) => handleGrad(c.req.raw, limits, budget, onBody(c)));
  app.get("/v1/health", () => jsonResponse(200, { status: "ok", limits, gradTypes: GRAD_TYPES }));
  app.get("/", () =>
    bytesResponse(200, PAGE_BYTES, "text/html; charset=utf-8", {
      "Content-Security-Policy": PAGE_CSP,
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "no-cache",
    }));

  const allowed: Record<string, string> = {
    "/v1/score": "POST",
    "/v1/grad": "POST",
    "/v1/health": "GET, HEAD",
    "/": "GET, HEAD",
  };
  for (const [path, methods] of Object.entries(allowed)) {
    app.all(path, (c) => {
      throw new HttpError(
        405,
        "method_not_allowed",
        `${c.req.method} is not allowed on ${path}; use ${methods}`,
        { Allow: methods },
      );
    });
  }

  root.notFound((c) =>
    errorResponse(new HttpError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`))
  );
  root.onError((err, c) => {
    if (err instanceof HttpError) {
      // The client may still be sending a body nobody will read.
      c.req.raw.body?.cancel().catch(() => {});
      return errorResponse(err);
    }
    c.set("failure", err instanceof Error ? err.message : String(err));
    return errorResponse(
      new HttpError(500, "internal", "the service failed while answering this request"),
    );
  });
  return root;
}
