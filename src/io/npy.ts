/**
 * Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
 *
 * @module
 */

import { decodeFloat16 } from "./half_float.ts";
import { parsePythonLiteral, type PythonLiteral, PythonLiteralError } from "./python_literal.ts";
import { ReadError } from "./read_error.ts";
import type { Tensor } from "./tensor.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface NpyDtype {
  itemSize: 2 | 4 | 8;
  littleEndian: boolean;
  name: "float16" | "float32" | "float64";
}

const FLOAT_CODES: Record<string, { itemSize: 2 | 4 | 8; name: NpyDtype["name"] }> = {
  f2: { itemSize: 2, name: "float16" },
  f4: { itemSize: 4, name: "float32" },
  f8: { itemSize: 8, name: "float64" },
};

/**
 * Reads a `.npy` file holding a float16, float32 or float64 array of any rank.
 *
 * Accepts format versions 1.0, 2.0 and 3.0 (the last with a UTF-8 header), header keys in any
 * order, data at any byte offset, little- or big-endian data (`<`, `>`, and `=` read as
 * little-endian) and `fortran_order: True`, which is transposed so the result is row-major.
 * float16 values are widened to float32 exactly; NaN and infinities are kept as values for the
 * caller to reject by index.
 *
 * @param bytes The whole file.
 * @param source The file name (or `"request body"`), used as the tensor name and in errors.
 * @returns The array as a row-major tensor named `source`.
 * @throws {ReadError} On bad magic, an unsupported version, a malformed header, a dtype other
 * than float16/32/64, a shape whose size exceeds 2**53 or the bytes present, or truncated data.
 *
 * @example Round-trip through {@linkcode writeNpy}
 * ```ts
 * import { readNpy, writeNpy } from "./npy.ts";
 *
 * const bytes = writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * const t = readNpy(bytes, "a.npy");
 * if (t.shape.join() !== "2,3" || t.dtype !== "float32" || t.data[5] !== 6) {
 *   throw new Error("round trip failed");
 * }
 * ```
 */
export function readNpy(bytes: Uint8Array, source: string): Tensor {
  const fail = (detail: string): never => {
    throw new ReadError(source, detail);
  };

  // Preamble: magic, version, header length.
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      fail(
        bytes.length < MAGIC.length
          ? `holds ${bytes.length} bytes, too few for a .npy file`
          : "does not start with the .npy magic string \\x93NUMPY",
      );
    }
  }
  if (bytes.length < 8) fail(`ends after ${bytes.length} bytes, inside the .npy version field`);
  const major = bytes[6];
  const minor = bytes[7];
  if (minor !== 0 || major < 1 || major > 3) {
    fail(`has .npy format version ${major}.${minor}, but only 1.0, 2.0 and 3.0 are supported`);
  }
  const lengthSize = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthSize;
  if (bytes.length < headerStart) {
    fail(`ends after ${bytes.length} bytes, inside the ${lengthSize}-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = lengthSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    fail(
      `declares a ${headerLength}-byte header at byte ${headerStart} ` +
        `but only ${bytes.length - headerStart} bytes follow`,
    );
  }

  // Header: a Python dict literal; versions 1 and 2 are latin-1, version 3 is UTF-8.
  const headerBytes = bytes.subarray(headerStart, dataStart);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true })
      .decode(headerBytes);
  } catch {
    return fail(`has a version 3 header at byte ${headerStart} that is not valid UTF-8`);
  }
  const byteOfChar = (index: number): number =>
    headerStart + (major === 3 ? new TextEncoder().encode(header.slice(0, index)).length : index);
  let literal: PythonLiteral;
  try {
    literal = parsePythonLiteral(header);
  } catch (err) {
    if (!(err instanceof PythonLiteralError)) throw err;
    return fail(`has a malformed header: ${err.message} at byte ${byteOfChar(err.index)}`);
  }
  const { dtype, fortranOrder, shape } = interpretHeader(literal, fail);

  // Size: compare what the shape claims with the bytes present before allocating anything.
  const count = shapeProduct(shape, fail);
  const needed = count * BigInt(dtype.itemSize);
  const present = bytes.length - dataStart;
  if (BigInt(present) !== needed) {
    const shown = formatShape(shape);
    const holds = present % dtype.itemSize === 0
      ? `${present / dtype.itemSize} values`
      : `${present} bytes, not a whole number of ${dtype.itemSize}-byte values`;
    fail(
      `header declares shape ${shown} (${count} values, ${needed} bytes) ` +
        `but the data from byte ${dataStart} holds ${holds}`,
    );
  }

  const data = decodeData(bytes.subarray(dataStart), dtype);
  return {
    name: source,
    shape,
    dtype: dtype.name,
    data: fortranOrder ? fortranToC(data, shape) : data,
  };
}

function interpretHeader(
  literal: PythonLiteral,
  fail: (detail: string) => never,
): { dtype: NpyDtype; fortranOrder: boolean; shape: number[] } {
  if (literal.kind !== "dict") {
    return fail(`has a header that is ${describeLiteral(literal)}, not a dict`);
  }
  const fields = new Map<string, PythonLiteral>();
  for (const [key, value] of literal.entries) {
    if (key.kind !== "str") fail(`has a header key that is ${describeLiteral(key)}, not a string`);
    const name = (key as { value: string }).value;
    if (name !== "descr" && name !== "fortran_order" && name !== "shape") {
      fail(`has an unexpected header key '${name}'`);
    }
    if (fields.has(name)) fail(`has the header key '${name}' twice`);
    fields.set(name, value);
  }
  for (const name of ["descr", "fortran_order", "shape"]) {
    if (!fields.has(name)) fail(`has no '${name}' key in its header`);
  }

  const descr = fields.get("descr")!;
  if (descr.kind === "list") return fail("has a structured dtype, which is not supported");
  if (descr.kind !== "str") {
    return fail(`has a descr that is ${describeLiteral(descr)}, not a dtype string`);
  }
  const dtype = parseDescr(descr.value, fail);

  const order = fields.get("fortran_order")!;
  if (order.kind !== "bool") {
    fail(
      `has a fortran_order that is ${describeLiteral(order)}, not True or False`,
    );
  }

  const shapeLiteral = fields.get("shape")!;
  if (shapeLiteral.kind !== "tuple") {
    return fail(`has a shape that is ${describeLiteral(shapeLiteral)}, not a tuple`);
  }
  const shape = shapeLiteral.items.map((item, axis) => {
    if (item.kind !== "int" || item.value < 0n || item.value > BigInt(Number.MAX_SAFE_INTEGER)) {
      return fail(
        `has shape entry ${axis} = ${describeLiteral(item)}, not a non-negative safe integer`,
      );
    }
    return Number(item.value);
  });
  return { dtype, fortranOrder: (order as { value: boolean }).value, shape };
}

function parseDescr(descr: string, fail: (detail: string) => never): NpyDtype {
  const order = descr[0];
  const name = descr.slice(1);
  // hasOwn: a descr such as '<constructor' must not find Object.prototype's members.
  const code = Object.hasOwn(FLOAT_CODES, name) ? FLOAT_CODES[name] : undefined;
  const supported = "<f2, <f4, <f8 or big-endian >f2, >f4, >f8";
  if (!"<>=|".includes(order) || descr.length < 2 || code === undefined) {
    return fail(`has dtype '${descr}', which is not supported (expected ${supported})`);
  }
  // '|' means "byte order not applicable", which is false for multi-byte floats: refuse to guess.
  if (order === "|") {
    return fail(`has dtype '${descr}', which does not give the byte order of its values`);
  }
  // '=' is "native"; numpy itself writes '<' or '>', and every platform Deno runs on is
  // little-endian, so '=' is read as little-endian.
  return { ...code, littleEndian: order !== ">" };
}

function shapeProduct(shape: number[], fail: (detail: string) => never): bigint {
  let count = 1n;
  for (const n of shape) count *= BigInt(n);
  if (count > 2n ** 53n) {
    fail(`header declares shape ${formatShape(shape)}, whose ${count} values exceed 2**53`);
  }
  return count;
}

function decodeData(raw: Uint8Array, dtype: NpyDtype): Float32Array | Float64Array {
  // slice() copies into a fresh buffer at offset 0, so the typed views below are aligned no
  // matter where the data started in the file.
  const copy = raw.slice();
  if (dtype.littleEndian !== HOST_IS_LITTLE_ENDIAN) swapBytes(copy, dtype.itemSize);
  if (dtype.itemSize === 2) return decodeFloat16(new Uint16Array(copy.buffer));
  if (dtype.itemSize === 4) return new Float32Array(copy.buffer);
  return new Float64Array(copy.buffer);
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

/** Reorders column-major (Fortran) data into row-major order for the given shape. */
function fortranToC<T extends Float32Array | Float64Array>(src: T, shape: number[]): T {
  const rank = shape.length;
  if (rank < 2 || src.length === 0) return src;
  const out = (src instanceof Float32Array ? new Float32Array(src.length) : new Float64Array(
    src.length,
  )) as T;
  // Column-major strides: the first axis varies fastest.
  const strides: number[] = [];
  let stride = 1;
  for (const n of shape) {
    strides.push(stride);
    stride *= n;
  }
  // Walk the output in row-major order with an odometer over the indices, moving the
  // column-major offset by one stride per step instead of recomputing it.
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let c = 0; c < src.length; c++) {
    out[c] = src[offset];
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      offset += strides[axis];
      if (index[axis] < shape[axis]) break;
      offset -= strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
  return out;
}

/** Names a header value for an error message, echoing short scalars. */
function describeLiteral(literal: PythonLiteral): string {
  switch (literal.kind) {
    case "int":
      return `the integer ${literal.value}`;
    case "str":
      return `the string '${literal.value.slice(0, 20)}'`;
    case "bool":
      return literal.value ? "True" : "False";
    case "none":
      return "None";
    default:
      return literal.kind === "dict" ? "a dict" : `a ${literal.kind}`;
  }
}

/** Formats a shape the way Python prints a tuple: `()`, `(5,)`, `(4, 3)`. */
function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * Writes an array as a little-endian `.npy` file in C order.
 *
 * The header is padded so the data starts at a multiple of 64 bytes, as NumPy does; format
 * version 1.0 is used unless the header needs more than 65535 bytes, then 2.0.
 *
 * @param data The values in row-major order; `Float32Array` is written as `<f4`,
 * `Float64Array` as `<f8`.
 * @param shape The dimensions; their product must equal `data.length`.
 * @returns The file's bytes.
 * @throws {RangeError} When a dimension is not a non-negative safe integer or the shape does
 * not match the data length.
 *
 * @example Write a float64 vector
 * ```ts
 * import { writeNpy } from "./npy.ts";
 *
 * const bytes = writeNpy(new Float64Array([0.5, 1.5]), [2]);
 * if (bytes.length !== 128 + 16) throw new Error("unexpected size");
 * ```
 */
export function writeNpy(
  data: Float32Array | Float64Array,
  shape: readonly number[],
): Uint8Array {
  shape.forEach((n, axis) => {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`shape[${axis}] is ${n}, not a non-negative safe integer`);
    }
  });
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(
      `shape ${formatShape(shape)} holds ${count} values but data has ${data.length}`,
    );
  }
  const descr = data instanceof Float32Array ? "<f4" : "<f8";
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;

  let major = 1;
  let preamble = 10;
  if (dict.length + 1 + preamble > 0xffff) {
    major = 2;
    preamble = 12;
  }
  const unpadded = preamble + dict.length + 1; // +1 for the closing newline
  const total = Math.ceil(unpadded / 64) * 64;
  const header = dict + " ".repeat(total - unpadded) + "\n";

  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);

  if (HOST_IS_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  } else {
    const size = data.BYTES_PER_ELEMENT;
    for (let i = 0; i < data.length; i++) {
      if (size === 4) view.setFloat32(total + 4 * i, data[i], true);
      else view.setFloat64(total + 8 * i, data[i], true);
    }
  }
  return out;
}
