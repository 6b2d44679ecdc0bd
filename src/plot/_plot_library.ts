/**
 * The plotting library and the DOM it renders into, pinned in one place. The specifiers
 * are written in full (not through deno.json's import map) so that `src/cli.ts` and the
 * service run from a URL or a deployment with no import map to ship.
 *
 * @module
 */

export * as Plot from "npm:@observablehq/plot@0.6.17";
export { parseHTML } from "npm:linkedom@0.18.15";
