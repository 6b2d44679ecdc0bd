import assert from "node:assert/strict";
import { readNpy, writeNpy } from "../src/io/npy.ts";
import {
  assertReadError,
  assertSameValues,
  concat,
  floatBytes,
  npyBytes,
  npyHeader,
  readSharedCase,
  uint16Bytes,
} from "./_io_fixtures.ts";

// ---------------------------------------------------------------- shared cases

Deno.test("shared case f16: C and Fortran order float16 files decode exactly", () => {
  const { json, files } = readSharedCase("f16");
  const decoded = json.decoded as number[];
  for (const file of ["c.npy", "fortran.npy"]) {
    const t = readNpy(files[file], file);
    assert.deepEqual(t.shape, [4, 3], `${file} shape`);
    assert.equal(t.dtype, "float16", `${file} dtype`);
    assert.ok(t.data instanceof Float32Array, `${file} should widen to Float32Array`);
    assertSameValues(t.data, decoded, file);
  }
});

Deno.test("shared case f16: the reader keeps NaN as a value for the caller to reject", () => {
  const { files } = readSharedCase("f16");
  const t = readNpy(files["nan.npy"], "nan.npy");
  assert.ok(t.data.some(Number.isNaN), "nan.npy should decode to at least one NaN");
});

Deno.test("shared case f16: theta.npy reads as float32 (4, 3)", () => {
  const { files } = readSharedCase("f16");
  const t = readNpy(files["theta.npy"], "theta.npy");
  assert.deepEqual(t.shape, [4, 3]);
  assert.equal(t.dtype, "float32");
});

Deno.test("shared case npy-layout: long header, odd data offset, versions 2 and 3 agree", () => {
  const { json, files } = readSharedCase("npy-layout");
  const decoded = json.decoded as number[];
  // Check the fixtures still exercise what they claim to.
  assert.equal(files["unaligned.npy"].length - 15 * 4, 70, "unaligned.npy data offset");
  assert.ok(files["long-header.npy"][8] + 256 * files["long-header.npy"][9] > 255);
  assert.equal(files["v2.npy"][6], 2);
  assert.equal(files["v3.npy"][6], 3);
  for (const file of ["long-header.npy", "unaligned.npy", "v2.npy", "v3.npy"]) {
    const t = readNpy(files[file], file);
    assert.deepEqual(t.shape, [5, 3], `${file} shape`);
    assertSameValues(t.data, decoded, file);
  }
});

// ---------------------------------------------------------------- round trips

Deno.test("writeNpy then readNpy returns the same float32 and float64 arrays", () => {
  const cases: [number[], Float32Array | Float64Array][] = [
    [[], new Float32Array([7.5])],
    [[5], new Float64Array([1, -0, 1e-310, 1e300, -2.5])],
    [[0, 3], new Float32Array(0)],
    [[2, 3, 4], Float32Array.from({ length: 24 }, (_, i) => i / 7)],
    [[1, 1, 1, 1, 2], new Float64Array([Math.PI, Math.E])],
  ];
  for (const [shape, data] of cases) {
    const bytes = writeNpy(data, shape);
    const t = readNpy(bytes, "x.npy");
    const what = `shape [${shape}] ${data.constructor.name}`;
    assert.deepEqual(t.shape, shape, what);
    assert.equal(t.data.constructor, data.constructor, what);
    assert.equal(t.name, "x.npy");
    assertSameValues(t.data, data, what);
    // NumPy pads the header so the data starts at a multiple of 64 bytes.
    assert.equal((bytes.length - data.byteLength) % 64, 0, `${what}: data offset`);
  }
});

Deno.test("writeNpy formats shapes as Python tuples", () => {
  const header = (shape: number[]) =>
    new TextDecoder().decode(writeNpy(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape))
      .split("\n")[0];
  assert.ok(header([]).includes("'shape': (), "), header([]));
  assert.ok(header([3]).includes("'shape': (3,), "), header([3]));
  assert.ok(header([2, 3]).includes("'shape': (2, 3), "), header([2, 3]));
});

Deno.test("writeNpy switches to format 2.0 when the header exceeds 65535 bytes", () => {
  const shape = new Array(23000).fill(1);
  const bytes = writeNpy(new Float32Array([4]), shape);
  assert.equal(bytes[6], 2, "version");
  const t = readNpy(bytes, "wide.npy");
  assert.equal(t.shape.length, 23000);
  assertSameValues(t.data, [4], "wide.npy");
});

Deno.test("writeNpy rejects shapes that do not match the data", () => {
  assert.throws(
    () => writeNpy(new Float32Array(10), [4, 3]),
    (err: unknown) =>
      err instanceof RangeError && err.message === "shape (4, 3) holds 12 values but data has 10",
  );
  assert.throws(
    () => writeNpy(new Float32Array(0), [-1]),
    (err: unknown) => err instanceof RangeError && err.message.includes("shape[0] is -1"),
  );
  assert.throws(() => writeNpy(new Float32Array(1), [1.5]), RangeError);
});

// ---------------------------------------------------------------- layouts and dtypes

const values = [0.5, -1.25, 3, 1e-3, -0, 42];

Deno.test("big-endian and native-order dtypes decode to the same values", () => {
  const rounded = Array.from(new Float32Array(values));
  const cases: [string, Uint8Array, number[]][] = [
    ["<f4", floatBytes(values, 4, true), rounded],
    [">f4", floatBytes(values, 4, false), rounded],
    ["=f4", floatBytes(values, 4, true), rounded],
    ["<f8", floatBytes(values, 8, true), values],
    [">f8", floatBytes(values, 8, false), values],
  ];
  for (const [descr, data, expected] of cases) {
    const t = readNpy(npyBytes(npyHeader(descr, "(2, 3)"), data), "e.npy");
    assertSameValues(t.data, expected, descr);
  }
});

Deno.test("float16 decodes in both byte orders, including subnormals and infinities", () => {
  const bits = [0x0001, 0x03ff, 0x8000, 0x7bff, 0xfc00, 0x7c00, 0x3555];
  const expected = [2 ** -24, 1023 * 2 ** -24, -0, 65504, -Infinity, Infinity, 0.333251953125];
  for (const little of [true, false]) {
    const descr = little ? "<f2" : ">f2";
    const t = readNpy(npyBytes(npyHeader(descr, "(7,)"), uint16Bytes(bits, little)), "h.npy");
    assertSameValues(t.data, expected, descr);
  }
});

Deno.test("fortran_order True is transposed to row-major for ranks 1 to 3", () => {
  // A (2, 3, 4) array whose C-order value is its flat index; write it column-major.
  const shape = [2, 3, 4];
  const fortran: number[] = [];
  for (let k = 0; k < 4; k++) {
    for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(i * 12 + j * 4 + k);
  }
  const t = readNpy(npyBytes(npyHeader("<f8", "(2, 3, 4)", true), floatBytes(fortran, 8)), "f");
  assert.deepEqual(t.shape, shape);
  assertSameValues(t.data, Array.from({ length: 24 }, (_, i) => i), "rank 3 fortran");

  const v = readNpy(npyBytes(npyHeader("<f4", "(3,)", true), floatBytes([1, 2, 3], 4)), "v");
  assertSameValues(v.data, [1, 2, 3], "rank 1 fortran");
  const s = readNpy(npyBytes(npyHeader("<f4", "()", true), floatBytes([9], 4)), "s");
  assert.deepEqual(s.shape, []);
  assertSameValues(s.data, [9], "rank 0 fortran");
});

Deno.test("keys in any order, extra spaces, Python 2 long integers, no trailing comma", () => {
  const headers = [
    "{'shape': (2, 3), 'descr': '<f4', 'fortran_order': False}",
    '{ "fortran_order" : False ,\n "shape" : ( 2 , 3 ) , "descr" : "<f4" , }   \n',
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }\n",
  ];
  for (const header of headers) {
    const t = readNpy(npyBytes(header, floatBytes(values, 4)), "k.npy");
    assert.deepEqual(t.shape, [2, 3], header);
  }
});

Deno.test("data at any offset, even in a larger buffer, is copied, not viewed misaligned", () => {
  for (let pad = 0; pad < 8; pad++) {
    const header = npyHeader("<f8", "(6,)").replace("\n", " ".repeat(pad) + "\n");
    const file = npyBytes(header, floatBytes(values, 8));
    // Also place the whole file at an odd offset of a larger buffer.
    const host = concat(new Uint8Array(3), file).subarray(3);
    assertSameValues(readNpy(host, "o.npy").data, values, `pad ${pad}`);
  }
});

Deno.test("a version 3 header may hold UTF-8 and error offsets count bytes", () => {
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n";
  const t = readNpy(npyBytes(header, floatBytes([2], 4), 3), "u.npy");
  assertSameValues(t.data, [2], "v3");
  // "é" takes two bytes, so the "?" at character 6 of the header is at byte 12 + 7 = 19.
  assertReadError(
    () => readNpy(npyBytes("{'é': ?}", new Uint8Array(), 3), "u.npy"),
    "u.npy",
    "byte 19",
  );
  assertReadError(
    () =>
      readNpy(
        npyBytes(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'é': 1}",
          floatBytes([2], 4),
          3,
        ),
        "u.npy",
      ),
    "u.npy",
    "unexpected header key 'é'",
  );
});

// ---------------------------------------------------------------- errors

Deno.test("bad magic, short files and unsupported versions are refused", () => {
  assertReadError(() => readNpy(new Uint8Array([1, 2, 3]), "a.npy"), "a.npy", "3 bytes");
  assertReadError(
    () => readNpy(new TextEncoder().encode("PK\x03\x04 not npy at all"), "a.npy"),
    "a.npy",
    "magic",
  );
  const good = npyBytes(npyHeader("<f4", "(1,)"), floatBytes([1], 4));
  assertReadError(() => readNpy(good.subarray(0, 7), "a.npy"), "a.npy", "version field");
  assertReadError(() => readNpy(good.subarray(0, 9), "a.npy"), "a.npy", "header length");
  for (const [major, minor] of [[4, 0], [0, 0], [1, 1]]) {
    const bad = good.slice();
    bad[6] = major;
    bad[7] = minor;
    assertReadError(() => readNpy(bad, "a.npy"), "a.npy", `version ${major}.${minor}`);
  }
});

Deno.test("a header length beyond the file is refused before reading it", () => {
  const file = npyBytes(npyHeader("<f4", "(1,)"));
  new DataView(file.buffer).setUint16(8, 60000, true);
  assertReadError(() => readNpy(file, "h.npy"), "h.npy", "60000-byte header at byte 10");
  const v2 = npyBytes(npyHeader("<f4", "(1,)"), new Uint8Array(), 2);
  new DataView(v2.buffer).setUint32(8, 0xffffffff, true);
  assertReadError(() => readNpy(v2, "h.npy"), "h.npy", "4294967295-byte header");
});

Deno.test("malformed headers are refused with the byte where parsing stopped", () => {
  const data = floatBytes([1, 2], 4);
  const cases: [string, string[]][] = [
    ["{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", ["malformed", "byte 26"]],
    [npyHeader("<f4", "(2,)").trimEnd() + " junk\n", ["malformed", "end of the literal"]],
    ["{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,)}", ["malformed"]],
    ["{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", ["malformed"]],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", ["malformed", "the end"]],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,)}", ["malformed"]],
    ["descr=<f4 shape=(2,)", ["malformed"]],
    ["", ["malformed", "expected a value"]],
    ["[".repeat(40) + "]".repeat(40), ["malformed", "nesting"]],
    ["['descr', '<f4']", ["header that is a list, not a dict"]],
    ["{1: 2}", ["header key that is the integer 1"]],
    ["{'descr': '<f4', 'fortran_order': False}", ["no 'shape' key"]],
    ["{'descr': '<f4', 'shape': (2,)}", ["no 'fortran_order' key"]],
    ["{'fortran_order': False, 'shape': (2,)}", ["no 'descr' key"]],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (2,)}",
      ["header key 'shape' twice"],
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}",
      ["unexpected header key 'extra'"],
    ],
    ["{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", ["fortran_order", "integer 0"]],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", ["shape that is a list"]],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", ["shape that is the integer 2"]],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", ["shape entry 0", "-2"]],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (None,)}", ["shape entry 0", "None"]],
    [
      "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}",
      ["structured dtype"],
    ],
    ["{'descr': 4, 'fortran_order': False, 'shape': (2,)}", ["descr that is the integer 4"]],
  ];
  for (const [header, mentions] of cases) {
    assertReadError(() => readNpy(npyBytes(header, data), "m.npy"), "m.npy", ...mentions);
  }
});

Deno.test("unsupported dtypes are refused by name", () => {
  for (
    const descr of [
      "<i8",
      "|O",
      "<c8",
      "|b1",
      "<u2",
      "f4",
      "<f16",
      "<M8[ns]",
      "S10",
      "<",
      "<constructor",
    ]
  ) {
    assertReadError(
      () => readNpy(npyBytes(npyHeader(descr, "(1,)"), new Uint8Array(8)), "d.npy"),
      "d.npy",
      `dtype '${descr}'`,
      "not supported",
    );
  }
  assertReadError(
    () => readNpy(npyBytes(npyHeader("|f4", "(1,)"), new Uint8Array(4)), "d.npy"),
    "d.npy",
    "'|f4'",
    "byte order",
  );
});

Deno.test("a shape whose size exceeds 2**53 or the bytes present is refused", () => {
  assertReadError(
    () => readNpy(npyBytes(npyHeader("<f4", "(134217728, 134217728)")), "big.npy"),
    "big.npy",
    "18014398509481984 values exceed 2**53",
  );
  assertReadError(
    () => readNpy(npyBytes(npyHeader("<f4", "(100000000, 1000)"), new Uint8Array(16)), "big.npy"),
    "big.npy",
    "shape (100000000, 1000)",
    "400000000000 bytes",
    "holds 4 values",
  );
  assertReadError(
    () => readNpy(npyBytes(npyHeader("<f4", "(99999999999999999999,)")), "big.npy"),
    "big.npy",
    "shape entry 0",
  );
});

Deno.test("truncated, overlong and ragged data are refused naming both sizes", () => {
  const header = npyHeader("<f4", "(4, 3)");
  const start = 10 + header.length;
  assertReadError(
    () => readNpy(npyBytes(header, floatBytes(new Array(10).fill(1), 4)), "c.npy"),
    "c.npy",
    "header declares shape (4, 3) (12 values, 48 bytes)",
    `from byte ${start} holds 10 values`,
  );
  assertReadError(
    () => readNpy(npyBytes(header, floatBytes(new Array(13).fill(1), 4)), "c.npy"),
    "c.npy",
    "holds 13 values",
  );
  assertReadError(
    () => readNpy(npyBytes(header, new Uint8Array(47)), "c.npy"),
    "c.npy",
    "47 bytes, not a whole number of 4-byte values",
  );
});

Deno.test("a version 3 header that is not UTF-8 is refused", () => {
  const file = npyBytes(npyHeader("<f4", "(1,)"), floatBytes([1], 4), 3);
  file[14] = 0xff;
  assertReadError(() => readNpy(file, "b.npy"), "b.npy", "not valid UTF-8", "byte 12");
});
