import assert from "node:assert/strict";
import { readActivations } from "../src/io/read_activations.ts";
import { writeNpy } from "../src/io/npy.ts";
import { writeSafetensors } from "../src/io/safetensors.ts";
import { assertReadError, assertSameValues, readSharedCase } from "./_io_fixtures.ts";

const text = (s: string) => new TextEncoder().encode(s);
const npy = writeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]);
const safetensors = writeSafetensors([
  { name: "a", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
  { name: "b", shape: [1, 2], data: new Float64Array([5, 6]) },
]);
const json = text('{"shape": [2, 2], "data": [1, 2, 3, 4]}');
const csv = text("1,2\n3,4\n");

Deno.test("the file extension chooses the reader, in any letter case and path", () => {
  const cases: [Uint8Array, string][] = [
    [npy, "out/layer.NPY"],
    [json, "C:\\runs\\acts.Json"],
    [csv, "acts.csv"],
    [text("1\t2\n3\t4\n"), "acts.tsv"],
    [safetensors, "./model.v2.safetensors"],
  ];
  for (const [bytes, source] of cases) {
    const [t] = readActivations(bytes, source);
    assertSameValues(t.data, [1, 2, 3, 4], source);
    assert.deepEqual(t.shape, [2, 2], source);
  }
});

Deno.test("without a known extension the contents choose the reader", () => {
  const cases: [Uint8Array, number[]][] = [
    [npy, [2, 2]],
    [safetensors, [2, 2]],
    [json, [2, 2]],
    [text("  \n[[1, 2], [3, 4]]"), [2, 2]],
    [csv, [2, 2]],
    [text("x;y\n1;2\n"), [1, 2]],
    [text("# comment\n0.5\n"), [1, 1]],
  ];
  for (const [i, [bytes, shape]] of cases.entries()) {
    for (const source of ["request body", "upload", "data.bin", ".hidden"]) {
      const [t] = readActivations(bytes, source);
      assert.deepEqual(t.shape, shape, `case ${i} as ${source}`);
    }
  }
});

Deno.test("safetensors returns every tensor, or the one named", () => {
  assert.deepEqual(readActivations(safetensors, "m.safetensors").map((t) => t.name), ["a", "b"]);
  const [b] = readActivations(safetensors, "m.safetensors", { tensor: "b" });
  assertSameValues(b.data, [5, 6], "b");
  assertReadError(
    () => readActivations(safetensors, "m.safetensors", { tensor: "c" }),
    "m.safetensors",
    "no tensor named 'c'",
  );
  assertReadError(
    () => readActivations(writeSafetensors([]), "m.safetensors"),
    "m.safetensors",
    "holds no tensors",
  );
});

Deno.test("a tensor name for a single-tensor format is refused", () => {
  assertReadError(
    () => readActivations(npy, "a.npy", { tensor: "w" }),
    "a.npy",
    "single npy tensor",
    "'w'",
  );
});

Deno.test("unknown formats are refused naming the source", () => {
  for (const bytes of [new Uint8Array([0, 1, 2, 255, 254]), text("hello world\n"), text("a\0b")]) {
    assertReadError(
      () => readActivations(bytes, "request body"),
      "request body",
      "unknown format",
    );
  }
  assertReadError(() => readActivations(new Uint8Array(), "empty"), "empty", "unknown format");
});

Deno.test("the extension wins over the contents, and text must be UTF-8", () => {
  assertReadError(() => readActivations(json, "a.npy"), "a.npy", "magic");
  assertReadError(() => readActivations(npy, "a.json"), "a.json", "not valid UTF-8");
  assertReadError(() => readActivations(new Uint8Array([0x31, 0xff]), "a.csv"), "a.csv", "UTF-8");
});

Deno.test("shared cases f16 and npy-layout read through the dispatcher", () => {
  for (const name of ["f16", "npy-layout"]) {
    const { json, files } = readSharedCase(name);
    for (const [file, bytes] of Object.entries(files)) {
      if (file === "theta.npy" || file === "nan.npy") continue;
      const [t] = readActivations(bytes, file);
      assertSameValues(t.data, json.decoded as number[], `${name}/${file}`);
    }
  }
});
