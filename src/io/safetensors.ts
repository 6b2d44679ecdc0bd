/**
 * Reading and writing `.safetensors` files.
 *
 * Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor
 * name to `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the data section
 * that follows the header), an optional `__metadata__` entry, then the data, little-endian.
 *
 * @module
 */

import { decodeBfloat16, decodeFloat16 } from "./half_float.ts";
import { ReadError } from "./read_error.ts";
import type { Tensor } from "./tensor.ts";

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const DTYPES: Record<string, { itemSize: 2 | 4 | 8; name: string }> = {
  F16: { itemSize: 2, name: "float16" },
  BF16: { itemSize: 2, name: "bfloat16" },
  F32: { itemSize: 4, name: "float32" },
  F64: { itemSize: 8, name: "float64" },
};

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads the tensors of a `.safetensors` file.
 *
 * Every entry's offsets are checked against the data section and against each other (no two
 * tensors may overlap) before any tensor is decoded; `__metadata__` is skipped. Supported
 * dtypes are F16, BF16 (both widened exactly to float32), F32 and F64.
 *
 * @param bytes The whole file.
 * @param source The file name (or `"request body"`), used in errors.
 * @param name When given, only the tensor with this name is decoded and returned; the other
 * entries are still checked for sane offsets but may have any dtype.
 * @returns The tensors, in the order their data appears in the file.
 * @throws {ReadError} On a header length that does not fit the file, a header that is not a
 * JSON object of well-formed entries, an unsupported dtype, offsets outside the data section,
 * overlapping tensors, a byte size that does not match the shape, or a missing `name`.
 *
 * @example Round-trip through {@linkcode writeSafetensors}
 * ```ts
 * import { readSafetensors, writeSafetensors } from "./safetensors.ts";
 *
 * const bytes = writeSafetensors([
 *   { name: "a", shape: [2], data: new Float32Array([1, 2]) },
 *   { name: "b", shape: [1, 1], data: new Float64Array([3]) },
 * ]);
 * const [b] = readSafetensors(bytes, "m.safetensors", "b");
 * if (b.name !== "b" || b.dtype !== "float64" || b.data[0] !== 3) throw new Error("wrong");
 * ```
 */
export function readSafetensors(bytes: Uint8Array, source: string, name?: string): Tensor[] {
  const fail = (detail: string): never => {
    throw new ReadError(source, detail);
  };
  if (bytes.length < 8) {
    fail(`holds ${bytes.length} bytes, fewer than the 8-byte safetensors header length`);
  }

  // The header length is a u64; compare it with the bytes present before decoding anything.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) {
    fail(
      `declares a ${declared}-byte safetensors header ` +
        `but only ${bytes.length - 8} bytes follow the length field`,
    );
  }
  const headerLength = Number(declared);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let header: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
      .decode(bytes.subarray(8, dataStart));
    header = JSON.parse(text);
  } catch (err) {
    const why = err instanceof SyntaxError ? stripPeriod(err.message) : "it is not valid UTF-8";
    return fail(`has a safetensors header (bytes 8 to ${dataStart}) that is not JSON: ${why}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    return fail("has a safetensors header that is not a JSON object");
  }

  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(header)) {
    if (key === "__metadata__") continue;
    entries.push(parseEntry(key, value, dataLength, fail));
  }

  // Sorting by start makes the overlap check one pass and fixes the output order.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1];
    const cur = entries[i];
    if (cur.begin < prev.end) {
      fail(
        `has overlapping tensors: '${prev.name}' spans data bytes [${prev.begin}, ${prev.end}) ` +
          `and '${cur.name}' starts at ${cur.begin}`,
      );
    }
  }

  let wanted = entries;
  if (name !== undefined) {
    wanted = entries.filter((e) => e.name === name);
    if (wanted.length === 0) {
      const names = entries.map((e) => `'${e.name}'`);
      const listed = names.length === 0
        ? "it holds no tensors"
        : `it holds ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}`;
      fail(`has no tensor named '${name}' (${listed})`);
    }
  }

  return wanted.map((entry) => decodeEntry(entry, bytes.subarray(dataStart), fail));
}

function parseEntry(
  key: string,
  value: unknown,
  dataLength: number,
  fail: (detail: string) => never,
): Entry {
  const where = `tensor '${key}'`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail(`has a header entry for ${where} that is not an object`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== "string") return fail(`has no dtype string for ${where}`);
  if (!Array.isArray(shape)) return fail(`has no shape array for ${where}`);
  shape.forEach((n, axis) => {
    if (!Number.isSafeInteger(n) || n < 0) {
      fail(`has shape[${axis}] = ${JSON.stringify(n)} for ${where}, not a non-negative integer`);
    }
  });
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((n) => Number.isSafeInteger(n) && n >= 0)
  ) {
    return fail(`has data_offsets for ${where} that are not two non-negative integers`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) {
    fail(`has data_offsets [${begin}, ${end}] for ${where} that end before they begin`);
  }
  if (end > dataLength) {
    fail(
      `has data_offsets [${begin}, ${end}] for ${where}, ` +
        `past the end of the ${dataLength}-byte data section`,
    );
  }
  return { name: key, dtype, shape: shape as number[], begin, end };
}

function decodeEntry(entry: Entry, data: Uint8Array, fail: (detail: string) => never): Tensor {
  const where = `tensor '${entry.name}'`;
  const dtype = DTYPES[entry.dtype];
  if (dtype === undefined || !Object.hasOwn(DTYPES, entry.dtype)) {
    return fail(
      `has ${where} of dtype ${entry.dtype}, which is not supported ` +
        "(expected F16, BF16, F32 or F64)",
    );
  }
  // The product is compared in bigint so a shape like [2**40, 2**40] cannot round to a match.
  const count = entry.shape.reduce((a, n) => a * BigInt(n), 1n);
  const size = BigInt(entry.end - entry.begin);
  if (count * BigInt(dtype.itemSize) !== size) {
    fail(
      `has ${where} of shape [${entry.shape.join(", ")}] and dtype ${entry.dtype}, ` +
        `which needs ${count * BigInt(dtype.itemSize)} bytes, but its data_offsets ` +
        `[${entry.begin}, ${entry.end}] span ${size} bytes`,
    );
  }

  // slice() copies to a fresh, aligned buffer: tensors may start at any byte of the file.
  const copy = data.slice(entry.begin, entry.end);
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(copy, dtype.itemSize);
  let values: Float32Array | Float64Array;
  if (entry.dtype === "F16") values = decodeFloat16(new Uint16Array(copy.buffer));
  else if (entry.dtype === "BF16") values = decodeBfloat16(new Uint16Array(copy.buffer));
  else if (entry.dtype === "F32") values = new Float32Array(copy.buffer);
  else values = new Float64Array(copy.buffer);
  return { name: entry.name, shape: entry.shape, dtype: dtype.name, data: values };
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

function stripPeriod(message: string): string {
  return message.endsWith(".") ? message.slice(0, -1) : message;
}

/**
 * Writes tensors as a `.safetensors` file.
 *
 * `Float32Array` data is stored as F32 and `Float64Array` as F64, in the order given and
 * without gaps; the header is padded with spaces to a multiple of 8 bytes so the data section
 * starts aligned.
 *
 * @param tensors The tensors to store; names must be unique and not `__metadata__`.
 * @param metadata Optional string-to-string metadata stored under `__metadata__`.
 * @returns The file's bytes.
 * @throws {RangeError} On a duplicate or reserved name, a dimension that is not a non-negative
 * safe integer, or a shape that does not match the data length.
 *
 * @example Write one tensor with metadata
 * ```ts
 * import { writeSafetensors } from "./safetensors.ts";
 *
 * const bytes = writeSafetensors(
 *   [{ name: "w", shape: [2, 2], data: new Float32Array([1, 0, 0, 1]) }],
 *   { format: "pt" },
 * );
 * if (bytes.length % 8 !== 0) throw new Error("expected 8-byte aligned output");
 * ```
 */
export function writeSafetensors(
  tensors: readonly Pick<Tensor, "name" | "shape" | "data">[],
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = { ...metadata };
  const seen = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (t.name === "__metadata__") {
      throw new RangeError("tensor name '__metadata__' is reserved by the safetensors format");
    }
    if (seen.has(t.name)) throw new RangeError(`tensor name '${t.name}' appears twice`);
    seen.add(t.name);
    t.shape.forEach((n, axis) => {
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new RangeError(
          `tensor '${t.name}' has shape[${axis}] = ${n}, not a non-negative safe integer`,
        );
      }
    });
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new RangeError(
        `tensor '${t.name}' has shape [${t.shape.join(", ")}] holding ${count} values ` +
          `but its data has ${t.data.length}`,
      );
    }
    // A plain object key "__proto__" would set the prototype instead of adding an entry.
    Object.defineProperty(header, t.name, {
      value: {
        dtype: t.data instanceof Float32Array ? "F32" : "F64",
        shape: [...t.shape],
        data_offsets: [offset, offset + t.data.byteLength],
      },
      enumerable: true,
      configurable: true,
      writable: true,
    });
    offset += t.data.byteLength;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);

  let at = 8 + padded;
  for (const t of tensors) {
    if (HOST_IS_LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    } else {
      for (let i = 0; i < t.data.length; i++) {
        if (t.data instanceof Float32Array) view.setFloat32(at + 4 * i, t.data[i], true);
        else view.setFloat64(at + 8 * i, t.data[i], true);
      }
    }
    at += t.data.byteLength;
  }
  return out;
}
