/**
 * The service's configuration: its limits, CORS and request logging, read from the
 * environment by every entry point (deno serve, Deno Deploy, Supabase).
 *
 * @module
 */

import { type Limits, limitsFromEnv } from "./limits.ts";

/** How the service is set up. */
export interface ServiceConfig {
  /** Body size, work and time limits. */
  readonly limits: Limits;
  /**
   * Origins allowed to call the API from a browser: empty for no CORS headers at all (the
   * default), `["*"]` for any origin, or a list of exact origins.
   */
  readonly corsOrigins: readonly string[];
  /** Receives the one log line of each request; `undefined` logs nothing. */
  readonly log: ((line: string) => void) | undefined;
  /**
   * The path the platform mounts the function under (Supabase passes `/per/...` to a
   * function named `per`); empty when the service owns the whole origin.
   */
  readonly basePath: string;
}

/**
 * Reads the configuration from environment variables: the limits (see `limits.ts`),
 * `PER_CORS_ORIGINS` (unset or empty: CORS off; `*`; or comma-separated origins) and
 * `PER_LOG` (`off` silences the request log, which otherwise goes to `console.log`).
 *
 * @param get reads one variable, such as `(name) => Deno.env.get(name)`
 * @param basePath the mount path, `""` unless the platform adds one
 * @returns the configuration
 * @throws {RangeError} for a malformed limit or origin, naming the variable
 *
 * @example
 * ```ts
 * import { configFromEnv } from "./config.ts";
 * const env: Record<string, string> = { PER_CORS_ORIGINS: "https://a.example", PER_LOG: "off" };
 * const config = configFromEnv((name) => env[name]);
 * console.assert(config.corsOrigins[0] === "https://a.example" && config.log === undefined);
 * ```
 */
export function configFromEnv(
  get: (name: string) => string | undefined,
  basePath = "",
): ServiceConfig {
  const cors = (get("PER_CORS_ORIGINS") ?? "").split(",").map((s) => s.trim()).filter((s) => s);
  for (const origin of cors) {
    if (origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new RangeError(
        `PER_CORS_ORIGINS holds "${origin}", not "*" or an origin such as https://example.com`,
      );
    }
  }
  const log = get("PER_LOG");
  if (log !== undefined && log !== "" && log !== "on" && log !== "off") {
    throw new RangeError(`PER_LOG must be "on" or "off", got "${log}"`);
  }
  return {
    limits: limitsFromEnv(get),
    corsOrigins: cors,
    log: log === "off" ? undefined : (line) => console.log(line),
    basePath,
  };
}
