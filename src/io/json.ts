/**
 * Reading a tensor from JSON text.
 *
 * @module
 */

import { ReadError } from "./read_error.ts";
import type { Tensor } from "./tensor.ts";

/** Deepest nesting accepted for `data`; activations rarely exceed rank 5. */
export const MAX_JSON_DEPTH = 32;

/**
 * Reads a tensor from JSON: either `{"shape": [...], "data": [...]}` or a bare nested array.
 *
 * `data` may be flat or nested; nested arrays must be rectangular, and their shape is used
 * when `shape` is absent. When `shape` is given its entries must be positive integers whose
 * product equals the number of values (nested data is then reshaped, as NumPy's reshape
 * would). Other keys of the object are ignored so that callers can carry options beside the
 * tensor. A number too large for float64, such as `1e400`, is kept as `Infinity` for the
 * caller to reject by index; `NaN` and `Infinity` are not JSON and fail to parse.
 *
 * @param text The JSON text.
 * @param source The file name (or `"request body"`), used as the tensor name and in errors.
 * @returns A float64 tensor named `source`, row-major.
 * @throws {ReadError} When the text is not JSON, has no array data, nests deeper than
 * {@linkcode MAX_JSON_DEPTH}, is ragged, holds a value that is not a number, or disagrees with
 * its `shape`; the message names the position or path, such as `data[3][1]`.
 *
 * @example Read a 2 × 2 tensor in both accepted forms
 * ```ts
 * import { readJsonTensor } from "./json.ts";
 *
 * const a = readJsonTensor('{"shape": [2, 2], "data": [1, 2, 3, 4]}', "a.json");
 * const b = readJsonTensor("[[1, 2], [3, 4]]", "b.json");
 * if (a.shape.join() !== "2,2" || b.shape.join() !== "2,2" || b.data[3] !== 4) {
 *   throw new Error("wrong");
 * }
 * ```
 */
export function readJsonTensor(text: string, source: string): Tensor {
  const fail = (detail: string): never => {
    throw new ReadError(source, detail);
  };

  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const bare = findBareWord(text);
    if (bare !== undefined) {
      return fail(
        `is not valid JSON: ${bare.word} at character ${bare.index} is not a JSON value ` +
          "(JSON has no NaN or Infinity, and non-finite values are not accepted)",
      );
    }
    // V8 sometimes ends its message with "... is not valid JSON"; say that only once.
    const why = err.message.replace(/\.$/, "").replace(/,? is not valid JSON$/, "");
    return fail(`is not valid JSON: ${why}`);
  }

  let data: unknown;
  let declared: number[] | undefined;
  if (Array.isArray(root)) {
    data = root;
  } else if (typeof root === "object" && root !== null) {
    const fields = root as Record<string, unknown>;
    if (!Object.hasOwn(fields, "data")) return fail('has no "data" field');
    data = fields.data;
    if (Object.hasOwn(fields, "shape")) declared = readShape(fields.shape, fail);
  } else {
    return fail(`holds ${describe(root)}, not an array or an object with a "data" field`);
  }
  if (!Array.isArray(data)) return fail(`has data that is ${describe(data)}, not an array`);

  const inferred = inferShape(data, fail);
  const count = inferred.reduce((a, b) => a * b, 1);
  walk(data, inferred, fail);
  const values = new Float64Array(count);
  let k = 0;
  walk(data, inferred, fail, (v) => values[k++] = v);

  if (declared !== undefined) {
    const product = declared.reduce((a, n) => a * BigInt(n), 1n);
    if (product !== BigInt(count)) {
      fail(`has shape [${declared.join(", ")}] holding ${product} values but data has ${count}`);
    }
  }
  return { name: source, shape: declared ?? inferred, dtype: "float64", data: values };
}

function readShape(shape: unknown, fail: (detail: string) => never): number[] {
  if (!Array.isArray(shape)) return fail(`has a shape that is ${describe(shape)}, not an array`);
  shape.forEach((n, axis) => {
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
      fail(`has shape[${axis}] = ${describe(n)}, not a positive integer`);
    }
  });
  return shape as number[];
}

/** Follows the first element down each level; the walk then checks every other element. */
function inferShape(data: unknown[], fail: (detail: string) => never): number[] {
  const shape: number[] = [];
  let current: unknown = data;
  while (Array.isArray(current)) {
    const path = "data" + "[0]".repeat(shape.length);
    if (shape.length === MAX_JSON_DEPTH) {
      fail(`nests arrays deeper than ${MAX_JSON_DEPTH} levels at ${path}`);
    }
    if (current.length === 0) fail(`has an empty array at ${path}`);
    shape.push(current.length);
    current = current[0];
  }
  return shape;
}

/**
 * Visits the leaves of `data` in row-major order without recursion, checking that every
 * array at depth k has `shape[k]` entries and every leaf is a number.
 */
function walk(
  data: unknown[],
  shape: number[],
  fail: (detail: string) => never,
  visit?: (value: number) => void,
): void {
  const stack: { items: unknown[]; next: number }[] = [{ items: data, next: 0 }];
  const pathHere = () => "data" + stack.map((f) => `[${f.next - 1}]`).join("");
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next === frame.items.length) {
      stack.pop();
      continue;
    }
    const item = frame.items[frame.next++];
    const depth = stack.length; // the depth of `item`; the root array is depth 0
    if (depth < shape.length) {
      const want = shape[depth];
      if (!Array.isArray(item)) {
        fail(`has ${describe(item)} at ${pathHere()} where an array of ${want} was expected`);
      }
      const items = item as unknown[];
      if (items.length !== want) {
        const first = "data" + "[0]".repeat(depth);
        const entries = items.length === 1 ? "1 entry" : `${items.length} entries`;
        fail(`has ${entries} at ${pathHere()} but ${want} at ${first}`);
      }
      stack.push({ items, next: 0 });
    } else if (typeof item === "number") {
      visit?.(item);
    } else {
      fail(`has ${describe(item)} at ${pathHere()}, not a number`);
    }
  }
}

/** Names a JSON value for an error message without echoing a large one. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    const shown = value.length > 20 ? value.slice(0, 20) + "…" : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === "object") return "an object";
  if (typeof value === "undefined") return "nothing";
  return `${typeof value === "number" ? "the number " : ""}${String(value)}`;
}

/**
 * Finds the first word outside strings and numbers that JSON does not allow (such as `NaN`,
 * `Infinity` or `-Infinity`), to explain a parse failure better than the parser's message.
 */
function findBareWord(text: string): { word: string; index: number } | undefined {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // Skip the string, honouring backslash escapes.
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
    } else if (/[0-9.]/.test(c) || (c === "-" && /[0-9.]/.test(text[i + 1] ?? ""))) {
      // Skip a number, whose exponent letter must not be mistaken for a word.
      while (i < text.length && /[0-9eE+\-.]/.test(text[i])) i++;
    } else if (/[A-Za-z_+-]/.test(c)) {
      const word = /^[+-]?[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 40))?.[0];
      if (word === undefined) {
        i++;
      } else if (word === "true" || word === "false" || word === "null") {
        i += word.length;
      } else {
        return { word, index: i };
      }
    } else {
      i++;
    }
  }
  return undefined;
}
