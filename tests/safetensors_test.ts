import assert from "node:assert/strict";
import { readSafetensors, writeSafetensors } from "../src/io/safetensors.ts";
import {
  assertReadError,
  assertSameValues,
  concat,
  floatBytes,
  safetensorsBytes,
  uint16Bytes,
} from "./_io_fixtures.ts";

Deno.test("writeSafetensors then readSafetensors returns every tensor in file order", () => {
  const tensors = [
    { name: "layer.0", shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -0]) },
    { name: "layer.1", shape: [3], data: new Float64Array([0.1, 1e-310, -1e300]) },
    { name: "scalar", shape: [], data: new Float32Array([7]) },
    { name: "__proto__", shape: [1], data: new Float32Array([9]) },
  ];
  const bytes = writeSafetensors(tensors, { format: "pt", note: "test" });
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  assert.ok(header.includes('"__metadata__":{"format":"pt","note":"test"}'), header);
  assert.equal((bytes.length - tensors.reduce((n, t) => n + t.data.byteLength, 0)) % 8, 0);

  const read = readSafetensors(bytes, "m.safetensors");
  assert.deepEqual(read.map((t) => t.name), tensors.map((t) => t.name));
  for (const [i, t] of read.entries()) {
    assert.deepEqual(t.shape, tensors[i].shape, t.name);
    assert.equal(t.dtype, tensors[i].data instanceof Float32Array ? "float32" : "float64");
    assertSameValues(t.data, tensors[i].data, t.name);
  }
});

Deno.test("a name selects one tensor", () => {
  const bytes = writeSafetensors([
    { name: "a", shape: [1], data: new Float32Array([1]) },
    { name: "b", shape: [2], data: new Float32Array([2, 3]) },
  ]);
  const read = readSafetensors(bytes, "m.safetensors", "b");
  assert.equal(read.length, 1);
  assert.equal(read[0].name, "b");
  assertSameValues(read[0].data, [2, 3], "b");
});

Deno.test("F16 and BF16 widen exactly; tensors may start at any byte", () => {
  const f16 = uint16Bytes([0x0001, 0x8000, 0x7bff]);
  const bf16 = uint16Bytes([0x3f80, 0xc000]);
  const f32 = floatBytes([0.1, -3], 4);
  const f64 = floatBytes([Math.PI], 8);
  // The header text is padded to 5 more than a multiple of 8 bytes, so the data section starts
  // at an odd byte of the file and the F32 tensor (data offset 10) is not 4-byte aligned.
  const header = {
    h: { dtype: "F16", shape: [3], data_offsets: [0, 6] },
    b: { dtype: "BF16", shape: [1, 2], data_offsets: [6, 10] },
    f: { dtype: "F32", shape: [2], data_offsets: [10, 18] },
    d: { dtype: "F64", shape: [], data_offsets: [18, 26] },
    __metadata__: { anything: "here" },
  };
  const json = JSON.stringify(header);
  const text = json + " ".repeat((13 - (json.length % 8)) % 8); // length ≡ 5 (mod 8)
  const bytes = safetensorsBytes(text, concat(f16, bf16, f32, f64));
  assert.notEqual((8 + text.length) % 4, 0, "fixture should leave the data unaligned");
  const read = readSafetensors(bytes, "h.safetensors");
  const byName = Object.fromEntries(read.map((t) => [t.name, t]));
  assertSameValues(byName.h.data, [2 ** -24, -0, 65504], "F16");
  assert.equal(byName.h.dtype, "float16");
  assertSameValues(byName.b.data, [1, -2], "BF16");
  assert.equal(byName.b.dtype, "bfloat16");
  assert.deepEqual(byName.b.shape, [1, 2]);
  assertSameValues(byName.f.data, Array.from(new Float32Array([0.1, -3])), "F32");
  assertSameValues(byName.d.data, [Math.PI], "F64");
  assert.deepEqual(byName.d.shape, []);
});

Deno.test("the output is ordered by data offset, not by header key order", () => {
  const bytes = safetensorsBytes({
    second: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
    "0": { dtype: "F32", shape: [1], data_offsets: [8, 12] },
    first: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
  }, floatBytes([1, 2, 3], 4));
  assert.deepEqual(readSafetensors(bytes, "o.safetensors").map((t) => t.name), [
    "first",
    "second",
    "0",
  ]);
});

Deno.test("a selected tensor reads even when another has an unsupported dtype", () => {
  const bytes = safetensorsBytes({
    ids: { dtype: "I64", shape: [1], data_offsets: [0, 8] },
    x: { dtype: "F32", shape: [1], data_offsets: [8, 12] },
  }, concat(new Uint8Array(8), floatBytes([5], 4)));
  assertSameValues(readSafetensors(bytes, "s.safetensors", "x")[0].data, [5], "x");
  assertReadError(
    () => readSafetensors(bytes, "s.safetensors"),
    "s.safetensors",
    "tensor 'ids' of dtype I64",
    "not supported",
  );
});

Deno.test("unsupported dtypes are refused by name", () => {
  for (const dtype of ["I8", "U8", "BOOL", "F8_E4M3", "C64", "f32", "toString"]) {
    const bytes = safetensorsBytes(
      { t: { dtype, shape: [4], data_offsets: [0, 4] } },
      new Uint8Array(4),
    );
    assertReadError(
      () => readSafetensors(bytes, "d.safetensors"),
      "d.safetensors",
      `dtype ${dtype}`,
    );
  }
});

Deno.test("header length and header JSON problems are refused", () => {
  const src = "x.safetensors";
  assertReadError(() => readSafetensors(new Uint8Array(5), src), src, "5 bytes");
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
  assertReadError(
    () => readSafetensors(huge, src),
    src,
    "9223372036854775808-byte safetensors header",
    "only 8 bytes follow",
  );
  assertReadError(
    () => readSafetensors(safetensorsBytes("{not json", new Uint8Array()), src),
    src,
    "not JSON",
    "bytes 8 to 17",
  );
  assertReadError(
    () =>
      readSafetensors(
        concat(
          safetensorsBytes("{}", new Uint8Array()).subarray(0, 8),
          new Uint8Array([0xff, 0xfe]),
        ),
        src,
      ),
    src,
    "not valid UTF-8",
  );
  for (const header of ["[]", "3", "null", '"s"']) {
    assertReadError(
      () => readSafetensors(safetensorsBytes(header, new Uint8Array()), src),
      src,
      "not a JSON object",
    );
  }
});

Deno.test("malformed entries are refused naming the tensor", () => {
  const src = "e.safetensors";
  const cases: [unknown, string[]][] = [
    [{ t: 5 }, ["entry for tensor 't' that is not an object"]],
    [{ t: { shape: [1], data_offsets: [0, 4] } }, ["no dtype string for tensor 't'"]],
    [{ t: { dtype: "F32", data_offsets: [0, 4] } }, ["no shape array for tensor 't'"]],
    [{ t: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, ["shape[0] = -1", "'t'"]],
    [{ t: { dtype: "F32", shape: [1.5], data_offsets: [0, 4] } }, ["shape[0] = 1.5"]],
    [{ t: { dtype: "F32", shape: ["2"], data_offsets: [0, 4] } }, ['shape[0] = "2"']],
    [{ t: { dtype: "F32", shape: [1], data_offsets: [0] } }, ["data_offsets", "'t'"]],
    [{ t: { dtype: "F32", shape: [1], data_offsets: [-4, 0] } }, ["data_offsets", "'t'"]],
    [{ t: { dtype: "F32", shape: [1], data_offsets: [4, 0] } }, ["[4, 0]", "end before"]],
    [
      { t: { dtype: "F32", shape: [1], data_offsets: [8, 12] } },
      ["[8, 12] for tensor 't'", "8-byte data section"],
    ],
    [
      { t: { dtype: "F32", shape: [3], data_offsets: [0, 8] } },
      ["tensor 't' of shape [3]", "needs 12 bytes", "span 8 bytes"],
    ],
    [
      { t: { dtype: "F32", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } },
      ["needs 4835703278458516698824704 bytes"],
    ],
    [
      {
        a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
        b: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
      },
      ["overlapping tensors", "'a' spans data bytes [0, 8)", "'b' starts at 4"],
    ],
  ];
  for (const [header, mentions] of cases) {
    assertReadError(
      () => readSafetensors(safetensorsBytes(header, new Uint8Array(8)), src),
      src,
      ...mentions,
    );
  }
});

Deno.test("a missing tensor name lists the names the file holds", () => {
  const bytes = writeSafetensors(
    Array.from(
      { length: 12 },
      (_, i) => ({ name: `t${i}`, shape: [1], data: new Float32Array(1) }),
    ),
  );
  const err = assertReadError(
    () => readSafetensors(bytes, "n.safetensors", "w"),
    "n.safetensors",
    "no tensor named 'w'",
    "'t0', 't1'",
    "…",
  );
  assert.ok(!err.message.includes("'t11'"), "only the first ten names are listed");
  assertReadError(
    () => readSafetensors(writeSafetensors([]), "n.safetensors", "w"),
    "n.safetensors",
    "it holds no tensors",
  );
});

Deno.test("writeSafetensors refuses duplicate, reserved and mismatched tensors", () => {
  const one = new Float32Array(1);
  assert.throws(
    () =>
      writeSafetensors([{ name: "a", shape: [1], data: one }, {
        name: "a",
        shape: [1],
        data: one,
      }]),
    (err: unknown) => err instanceof RangeError && err.message === "tensor name 'a' appears twice",
  );
  assert.throws(
    () => writeSafetensors([{ name: "__metadata__", shape: [1], data: one }]),
    (err: unknown) => err instanceof RangeError && err.message.includes("reserved"),
  );
  assert.throws(
    () => writeSafetensors([{ name: "a", shape: [2, 2], data: one }]),
    (err: unknown) =>
      err instanceof RangeError &&
      err.message === "tensor 'a' has shape [2, 2] holding 4 values but its data has 1",
  );
  assert.throws(
    () => writeSafetensors([{ name: "a", shape: [-1], data: one }]),
    (err: unknown) => err instanceof RangeError && err.message.includes("shape[0] = -1"),
  );
});
