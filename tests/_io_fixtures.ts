/**
 * Helpers shared by the reader tests: byte builders for hand-made fixtures, the shared cases,
 * and assertions whose failures name what differed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ReadError } from "../src/io/read_error.ts";

/**
 * Builds a `.npy` file from a header dict text and raw data bytes, without padding, so that
 * tests control every byte (odd data offsets, long headers, versions).
 */
export function npyBytes(
  header: string,
  data: Uint8Array = new Uint8Array(0),
  version: 1 | 2 | 3 = 1,
): Uint8Array {
  const text = version === 3
    ? new TextEncoder().encode(header)
    : Uint8Array.from(header, (c) => c.charCodeAt(0));
  const lengthSize = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthSize + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, 8 + lengthSize);
  out.set(data, 8 + lengthSize + text.length);
  return out;
}

/** The usual header dict for a C-order array, with a trailing newline as NumPy writes it. */
export function npyHeader(descr: string, shape: string, fortran = false): string {
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, ` +
    `'shape': ${shape}, }\n`;
}

/** Encodes numbers as float32 or float64 in the given byte order. */
export function floatBytes(values: readonly number[], size: 4 | 8, littleEndian = true) {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (size === 4) view.setFloat32(i * 4, v, littleEndian);
    else view.setFloat64(i * 8, v, littleEndian);
  });
  return out;
}

/** Encodes 16-bit patterns (float16 or bfloat16 bits) in the given byte order. */
export function uint16Bytes(bits: readonly number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  const view = new DataView(out.buffer);
  bits.forEach((b, i) => view.setUint16(i * 2, b, littleEndian));
  return out;
}

/** Builds a safetensors file from a header (object or exact JSON text) and the data section. */
export function safetensorsBytes(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(
    typeof header === "string" ? header : JSON.stringify(header),
  );
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A shared case: its JSON, with `files_base64` decoded into bytes. */
export interface SharedCase {
  json: Record<string, unknown>;
  files: Record<string, Uint8Array>;
}

/**
 * Reads `../shared/cases/NAME.json` relative to the repository root, resolved from this file
 * so that the tests work from any working directory.
 */
export function readSharedCase(name: string): SharedCase {
  const url = new URL(`../../shared/cases/${name}.json`, import.meta.url);
  const json = JSON.parse(Deno.readTextFileSync(url)) as Record<string, unknown>;
  const files: Record<string, Uint8Array> = {};
  const encoded = (json.files_base64 ?? {}) as Record<string, string>;
  for (const [file, base64] of Object.entries(encoded)) {
    files[file] = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }
  return { json, files };
}

/**
 * Asserts that two sequences hold exactly the same values (−0 differs from 0, NaN equals
 * NaN), naming the first index that differs.
 */
export function assertSameValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: length ${actual.length}, expected ${expected.length}`,
  );
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      assert.fail(
        `${what}: index ${i} is ${Object.is(actual[i], -0) ? "-0" : actual[i]}, ` +
          `expected ${Object.is(expected[i], -0) ? "-0" : expected[i]}`,
      );
    }
  }
}

/**
 * Asserts that `fn` throws a {@linkcode ReadError} from `source` whose message contains every
 * string in `mentions`, and returns the error for further checks.
 */
export function assertReadError(
  fn: () => unknown,
  source: string,
  ...mentions: string[]
): ReadError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) assert.fail(`expected a ReadError mentioning ${mentions.join(", ")}`);
  if (!(caught instanceof ReadError)) {
    assert.fail(`expected a ReadError, got ${String(caught)}`);
  }
  assert.equal(caught.source, source, `error source is ${caught.source}, expected ${source}`);
  assert.ok(
    caught.message.startsWith(`${source}: `),
    `message does not start with the source: ${caught.message}`,
  );
  assert.ok(!caught.message.endsWith("."), `message ends with a period: ${caught.message}`);
  for (const m of mentions) {
    assert.ok(caught.message.includes(m), `message lacks "${m}": ${caught.message}`);
  }
  return caught;
}
