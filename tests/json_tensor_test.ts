import assert from "node:assert/strict";
import { MAX_JSON_DEPTH, readJsonTensor } from "../src/io/json.ts";
import { ReadError } from "../src/io/read_error.ts";
import { assertReadError, assertSameValues, readSharedCase } from "./_io_fixtures.ts";

const src = "request body";

Deno.test("shared case json-nan: bad tokens and non-numbers fail, 1e400 stays Infinity", () => {
  const { json } = readSharedCase("json-nan");
  const requests = json.requests as { body: string; status: number }[];
  for (const { body, status } of requests) {
    if (status === 400) {
      assert.throws(() => readJsonTensor(body, src), ReadError, `${body} should be refused`);
    } else {
      // 422 and 200 bodies parse; the library, not the reader, rejects Infinity by index.
      const t = readJsonTensor(body, src);
      assert.deepEqual(t.shape, [2, 2], body);
      if (status === 422) assert.equal(t.data[1], Infinity, `${body}: data[1]`);
      else assert.ok(t.data.every(Number.isFinite), body);
    }
  }
});

Deno.test("shared case big-body: a huge declared shape with 4 values is refused", () => {
  assertReadError(
    () => readJsonTensor('{"shape": [1e9, 1e9], "data": [1, 2, 3, 4]}', src),
    src,
    "1000000000000000000 values",
    "data has 4",
  );
});

Deno.test("flat data with a shape, nested data, bare arrays and reshaping", () => {
  const flat = readJsonTensor('{"shape": [2, 3], "data": [1, 2, 3, 4, 5, -0]}', "a.json");
  assert.deepEqual(flat.shape, [2, 3]);
  assert.equal(flat.dtype, "float64");
  assert.equal(flat.name, "a.json");
  assertSameValues(flat.data, [1, 2, 3, 4, 5, -0], "flat");

  const nested = readJsonTensor('{"data": [[[1, 2]], [[3, 4]], [[5, 6]]]}', "b.json");
  assert.deepEqual(nested.shape, [3, 1, 2]);
  assertSameValues(nested.data, [1, 2, 3, 4, 5, 6], "nested");

  const bare = readJsonTensor("[[0.5, 1e-320], [1e308, -2]]", "c.json");
  assert.deepEqual(bare.shape, [2, 2]);
  assertSameValues(bare.data, [0.5, 1e-320, 1e308, -2], "bare");

  const vector = readJsonTensor("[1, 2, 3]", "d.json");
  assert.deepEqual(vector.shape, [3]);

  const reshaped = readJsonTensor('{"shape": [4], "data": [[1, 2], [3, 4]]}', "e.json");
  assert.deepEqual(reshaped.shape, [4]);
  assertSameValues(reshaped.data, [1, 2, 3, 4], "reshaped");

  const scalar = readJsonTensor('{"shape": [], "data": [8]}', "f.json");
  assert.deepEqual(scalar.shape, []);
});

Deno.test("other keys are left for the caller", () => {
  const t = readJsonTensor('{"data": [[1, 2]], "projections": 64, "seed": "x"}', src);
  assert.deepEqual(t.shape, [1, 2]);
});

Deno.test("overflowing numbers become infinities in place", () => {
  const t = readJsonTensor("[1e400, -1e400, 2]", src);
  assertSameValues(t.data, [Infinity, -Infinity, 2], "overflow");
});

Deno.test("NaN and Infinity tokens are refused with their position", () => {
  const cases: [string, string[]][] = [
    ['{"shape":[2,2],"data":[1,NaN,3,4]}', ["NaN at character 25", "not a JSON value"]],
    ["[1, Infinity]", ["Infinity at character 4"]],
    ["[1, -Infinity]", ["-Infinity at character 4"]],
    ["[[1e5, 2E-3], [nan, 4]]", ["nan at character 15"]],
  ];
  for (const [text, mentions] of cases) {
    assertReadError(() => readJsonTensor(text, src), src, ...mentions);
  }
});

Deno.test("other syntax errors pass on the parser's explanation", () => {
  // "NaN" inside a string must not be blamed for a missing bracket.
  const err = assertReadError(
    () => readJsonTensor('{"name": "NaN", "data": [1, 2', src),
    src,
    "not valid JSON",
  );
  assert.ok(!err.message.includes("NaN at"), err.message);
  assertReadError(() => readJsonTensor("", src), src, "not valid JSON");
  assertReadError(() => readJsonTensor('{"a" 1}', src), src, "not valid JSON", "position 5");
  const trailing = assertReadError(() => readJsonTensor("[1, 2,]", src), src, "not valid JSON");
  assert.equal(trailing.message.split("not valid JSON").length, 2, trailing.message);
});

Deno.test("values that are not numbers are refused naming their path", () => {
  const cases: [string, string[]][] = [
    ['{"shape":[2,2],"data":[1,null,3,4]}', ["null at data[1], not a number"]],
    ['{"shape":[2,2],"data":[1,"2",3,4]}', ['the string "2" at data[1]']],
    ["[[1, 2], [3, true]]", ["true at data[1][1]"]],
    ["[[1, 2], [3, {}]]", ["an object at data[1][1]"]],
    ["[[1, 2], [3, [4]]]", ["an array at data[1][1]"]],
    [`["${"x".repeat(100)}"]`, [`"${"x".repeat(20)}…"`]],
  ];
  for (const [text, mentions] of cases) {
    assertReadError(() => readJsonTensor(text, src), src, ...mentions);
  }
});

Deno.test("ragged arrays are refused naming the path", () => {
  const cases: [string, string[]][] = [
    ["[[1, 2], [3]]", ["1 entry at data[1] but 2 at data[0]"]],
    ["[[[1], [2]], [[3], [4]], [[5], [6]], [[7], [8, 9]]]", [
      "2 entries at data[3][1]",
      "1 at data[0][0]",
    ]],
    ["[[1, 2], 3]", ["the number 3 at data[1] where an array of 2 was expected"]],
    ["[[1, 2], []]", ["0 entries at data[1]"]],
  ];
  for (const [text, mentions] of cases) {
    assertReadError(() => readJsonTensor(text, src), src, ...mentions);
  }
});

Deno.test("shape entries must be positive integers whose product matches the data", () => {
  const cases: [string, string[]][] = [
    ['{"shape": [2, 2], "data": [1, 2, 3]}', ["shape [2, 2] holding 4 values but data has 3"]],
    ['{"shape": [0, 2], "data": []}', ["shape[0] = the number 0, not a positive integer"]],
    ['{"shape": [-1], "data": [1]}', ["shape[0] = the number -1"]],
    ['{"shape": [1.5], "data": [1]}', ["shape[0] = the number 1.5"]],
    ['{"shape": [1e300], "data": [1]}', ["shape[0] = the number 1e+300"]],
    ['{"shape": ["1"], "data": [1]}', ['shape[0] = the string "1"']],
    ['{"shape": 4, "data": [1]}', ["shape that is the number 4, not an array"]],
  ];
  for (const [text, mentions] of cases) {
    assertReadError(() => readJsonTensor(text, src), src, ...mentions);
  }
});

Deno.test("the top level must be an array or an object with array data", () => {
  assertReadError(() => readJsonTensor('{"shape": [1]}', src), src, 'no "data" field');
  assertReadError(() => readJsonTensor('{"data": 5}', src), src, "data that is the number 5");
  assertReadError(() => readJsonTensor('{"data": null}', src), src, "data that is null");
  assertReadError(() => readJsonTensor("5", src), src, "holds the number 5");
  assertReadError(() => readJsonTensor('"x"', src), src, 'holds the string "x"');
  assertReadError(() => readJsonTensor("[]", src), src, "empty array at data");
  assertReadError(() => readJsonTensor('{"data": [[]]}', src), src, "empty array at data[0]");
});

Deno.test("nesting is limited without recursion, even for very deep input", () => {
  const nest = (depth: number) => "[".repeat(depth) + "1" + "]".repeat(depth);
  assert.equal(readJsonTensor(nest(MAX_JSON_DEPTH), src).shape.length, MAX_JSON_DEPTH);
  assertReadError(
    () => readJsonTensor(nest(MAX_JSON_DEPTH + 1), src),
    src,
    `deeper than ${MAX_JSON_DEPTH} levels`,
  );
  // Deep enough to overflow the stack of a recursive walker.
  assertReadError(() => readJsonTensor(nest(100_000), src), src, "deeper than");
});
