/**
 * Runs the service locally on the port in `PORT` (default 8000): what `deno task serve` starts.
 * `deno serve` takes its port from a flag only, so this script reads the variable and hands
 * the same `fetch` as `main.ts` to `Deno.serve`. Needs `--allow-net` and `--allow-env`.
 *
 *     PORT=8080 deno task serve
 *
 * @module
 */

import service from "./main.ts";

const text = Deno.env.get("PORT") ?? "8000";
const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
if (!(port >= 0 && port <= 65535)) {
  console.error(`PORT must be a port number from 0 to 65535, got "${text}"`);
  Deno.exit(2);
}
Deno.serve({ port }, service.fetch);
