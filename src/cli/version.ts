/**
 * The version `per --version` prints: the package version in deno.json, read as a JSON
 * module so that it also works when the command runs from a URL.
 *
 * @module
 */

import config from "../../deno.json" with { type: "json" };

/**
 * The package version, as in deno.json.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VERSION } from "./version.ts";
 * assert.ok(/^\d+\.\d+\.\d+/.test(VERSION));
 * ```
 */
export const VERSION: string = config.version;
