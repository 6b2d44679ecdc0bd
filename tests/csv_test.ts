import assert from "node:assert/strict";
import { readCsv } from "../src/io/csv.ts";
import { assertReadError, assertSameValues } from "./_io_fixtures.ts";

Deno.test("comma, tab and semicolon delimiters give the same matrix", () => {
  for (const d of [",", "\t", ";"]) {
    const t = readCsv(`1${d}2${d}3\n-4.5${d}.5${d}6e-2\n`, "x.csv");
    assert.deepEqual(t.shape, [2, 3], JSON.stringify(d));
    assertSameValues(t.data, [1, 2, 3, -4.5, 0.5, 0.06], JSON.stringify(d));
    assert.equal(t.dtype, "float64");
    assert.equal(t.name, "x.csv");
  }
});

Deno.test("a header row, CRLF, a byte order mark, comments, blanks and quotes are handled", () => {
  const text = '\uFEFF# exported activations\r\nunit a;"unit b"\r\n\r\n1;"2"\r\n  3 ; +4 \r\n';
  const t = readCsv(text, "x.csv");
  assert.deepEqual(t.shape, [2, 2]);
  assertSameValues(t.data, [1, 2, 3, 4], "values");
});

Deno.test("a single column and a single row are matrices too", () => {
  assert.deepEqual(readCsv("1\n2\n3\n", "c.csv").shape, [3, 1]);
  assert.deepEqual(readCsv("1,2,3", "r.csv").shape, [1, 3]);
});

Deno.test("overflowing numbers become infinities in place", () => {
  const t = readCsv("1,1e400\n-1e400,2\n", "x.csv");
  assertSameValues(t.data, [1, Infinity, -Infinity, 2], "overflow");
});

Deno.test("a first row of nan words is data, not a header", () => {
  assertReadError(() => readCsv("nan,inf\n1,2\n", "n.csv"), "n.csv", "'nan' on line 1, column 1");
});

Deno.test("fields that are not decimal numbers are refused naming line and column", () => {
  const cases: [string, string[]][] = [
    ["1,2\n3,nan\n", ["'nan' on line 2, column 2", "not a decimal number"]],
    ["1,2\n\n3,Infinity\n", ["'Infinity' on line 3, column 2"]],
    ["1,2\n3,\n", ["an empty field on line 2, column 2"]],
    ["1,2\n0x10,2\n", ["'0x10' on line 2, column 1"]],
    ["1;2\n1,5;2\n", ["'1,5' on line 2, column 1"]],
    ["a,b\n1,2\nx,3\n", ["'x' on line 3, column 1"]],
  ];
  for (const [text, mentions] of cases) {
    assertReadError(() => readCsv(text, "v.csv"), "v.csv", ...mentions);
  }
});

Deno.test("rows of different lengths are refused naming both lines", () => {
  assertReadError(
    () => readCsv("a,b,c\n1,2,3\n4,5\n", "r.csv"),
    "r.csv",
    "2 columns on line 3 but 3 on line 2",
  );
  assertReadError(() => readCsv("1,2\n3\n", "r.csv"), "r.csv", "1 column on line 2");
});

Deno.test("malformed CSV and files without numbers are refused", () => {
  assertReadError(() => readCsv('1,"2\n3,4\n', "q.csv"), "q.csv", "not valid CSV", "line");
  assertReadError(() => readCsv("", "e.csv"), "e.csv", "no rows of numbers");
  assertReadError(() => readCsv("a,b\n", "e.csv"), "e.csv", "no rows of numbers");
  assertReadError(() => readCsv("# only a comment\n\n", "e.csv"), "e.csv", "no rows of numbers");
});
