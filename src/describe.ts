/**
 * How error messages show a value the caller passed: numbers as JavaScript prints them,
 * anything else with its type, so that `"4"` (a string) is not mistaken for the number 4.
 *
 * @module
 */

/**
 * The value as an error message shows it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeValue } from "./describe.ts";
 * assert.equal(describeValue(2.5), "2.5");
 * assert.equal(describeValue("4"), '"4" (a string)');
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `${JSON.stringify(value)} (a string)`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "bigint") return `${value}n (a bigint)`;
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
