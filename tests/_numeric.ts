/**
 * Helpers for the engine tests: the shared cases, seeded random inputs, and tolerance
 * checks whose failures name the index, the values and the tolerance.
 *
 * @module
 */

import assert from "node:assert/strict";

/** Reads ../shared/cases/NAME.json (resolved from this file, so any cwd works). */
// deno-lint-ignore no-explicit-any
export function readCase(name: string): any {
  const url = new URL(`../../shared/cases/${name}.json`, import.meta.url);
  return JSON.parse(Deno.readTextFileSync(url));
}

/** A case's number list, with the strings "NaN", "Infinity", "-Infinity" decoded. */
export function numbers(values: readonly (number | string)[]): number[] {
  return values.map((v) => typeof v === "number" ? v : Number(v));
}

/** A seeded generator of uniform [0, 1) numbers (splitmix32), for reproducible inputs. */
export function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** n standard normal float32 values (Box–Muller over `uniform(seed)`). */
export function normals(n: number, seed: number, scale = 1): Float32Array {
  const next = uniform(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = next(), v = next();
    out[i] = scale * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** Asserts |actual − expected| ≤ tolerance·|expected|. */
export function assertRelative(
  actual: number,
  expected: number,
  tolerance: number,
  what: string,
): void {
  const error = Math.abs(actual - expected);
  assert.ok(
    Number.isFinite(actual) && error <= tolerance * Math.abs(expected),
    `${what}: ${actual}, expected ${expected} (relative error ${
      (error / Math.abs(expected)).toExponential(2)
    } > ${tolerance})`,
  );
}

/**
 * Asserts max_i |actual[i] − expected[i]| ≤ tolerance·max_i |expected[i]| (or ≤ tolerance
 * absolute with `absolute`), naming the worst index.
 */
export function assertArrayClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
  absolute = false,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(expected[i]));
  const bound = absolute ? tolerance : tolerance * largest;
  let worst = -1, worstError = -1;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= worstError) || Number.isNaN(actual[i])) {
      worst = i;
      worstError = Number.isNaN(actual[i]) ? Infinity : error;
    }
  }
  if (worst >= 0 && !(worstError <= bound)) {
    assert.fail(
      `${what}: index ${worst} is ${actual[worst]}, expected ${expected[worst]} (error ${
        worstError.toExponential(2)
      } > ${bound.toExponential(2)}${absolute ? "" : ` = ${tolerance}·max|expected|`})`,
    );
  }
}

/** Asserts that fn throws an error of `type` whose message contains every string. */
export function assertThrowsWith(
  fn: () => unknown,
  type: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor,
  mentions: readonly string[],
  what: string,
): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof type, `${what}: expected a ${type.name}, got ${String(caught)}`);
  for (const text of mentions) {
    assert.ok(
      (caught as Error).message.includes(text),
      `${what}: message "${(caught as Error).message}" does not mention "${text}"`,
    );
  }
  return caught as Error;
}
