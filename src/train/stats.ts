/**
 * Mean and standard deviation over seeds, and how the report writes them.
 *
 * @module
 */

/**
 * The mean and the sample standard deviation (n − 1 in the denominator; 0 for one value).
 *
 * @param values the values, at least one
 * @returns { mean, sd }
 * @throws {RangeError} when values is empty
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanSd } from "./stats.ts";
 * const { mean, sd } = meanSd([1, 2, 3]);
 * assert.ok(mean === 2 && sd === 1);
 * ```
 */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) throw new RangeError("meanSd needs at least one value, got none");
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, sd: 0 };
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(squares / (values.length - 1)) };
}

/**
 * Writes mean ± sd with a fixed number of decimals, after scaling (100 for percentages).
 *
 * @param values the values, at least one
 * @param decimals digits after the point
 * @param scale factor applied before writing
 * @returns such as `97.35 ± 0.12`, or the mean alone for one value
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMeanSd } from "./stats.ts";
 * assert.ok(formatMeanSd([0.97, 0.98], 2, 100) === "97.50 ± 0.71");
 * ```
 */
export function formatMeanSd(values: readonly number[], decimals: number, scale = 1): string {
  const { mean, sd } = meanSd(values.map((v) => v * scale));
  const head = mean.toFixed(decimals);
  return values.length > 1 ? `${head} ± ${sd.toFixed(decimals)}` : head;
}
