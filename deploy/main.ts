/**
 * The service's entry for `deno serve` and Deno Deploy: a default export with `fetch`.
 * Configuration comes from the environment (see `config.ts` and `limits.ts`); the service needs
 * `--allow-net` and `--allow-env` only.
 *
 *     deno serve --allow-net --allow-env --port 8000 deploy/main.ts
 *
 * @example
 * ```ts ignore
 * import service from "./main.ts";
 * const res = await service.fetch(new Request("http://localhost/v1/health"));
 * console.assert(res.status === 200);
 * ```
 *
 * @module
 */

import { createApp } from "./app.ts";
import { configFromEnv } from "./config.ts";

const app = createApp(configOrExit());

/** The configuration from the environment; a bad variable is one line on stderr, exit 2. */
function configOrExit(): ReturnType<typeof configFromEnv> {
  try {
    return configFromEnv((name) => Deno.env.get(name));
  } catch (error) {
    console.error(`per service: ${(error as Error).message}`);
    Deno.exit(2);
  }
}

/** The service: `fetch` answers one request. */
export default {
  fetch: (request: Request): Promise<Response> => Promise.resolve(app.fetch(request)),
} satisfies Deno.ServeDefaultExport;
