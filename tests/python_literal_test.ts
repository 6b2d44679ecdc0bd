import assert from "node:assert/strict";
import { parsePythonLiteral, PythonLiteralError } from "../src/io/python_literal.ts";

Deno.test("parses dicts, tuples, lists, strings, integers and keywords", () => {
  const v = parsePythonLiteral(
    `{'a': (1, -2, +3,), "b": [True, False, None], 'c': (), 'd': (7,), 'e': {}, }`,
  );
  assert.deepEqual(v, {
    kind: "dict",
    entries: [
      [{ kind: "str", value: "a" }, {
        kind: "tuple",
        items: [{ kind: "int", value: 1n }, { kind: "int", value: -2n }, {
          kind: "int",
          value: 3n,
        }],
      }],
      [{ kind: "str", value: "b" }, {
        kind: "list",
        items: [{ kind: "bool", value: true }, { kind: "bool", value: false }, { kind: "none" }],
      }],
      [{ kind: "str", value: "c" }, { kind: "tuple", items: [] }],
      [{ kind: "str", value: "d" }, { kind: "tuple", items: [{ kind: "int", value: 7n }] }],
      [{ kind: "str", value: "e" }, { kind: "dict", entries: [] }],
    ],
  });
});

Deno.test("a parenthesized value without a comma is the value, as in Python", () => {
  assert.deepEqual(parsePythonLiteral("(3)"), { kind: "int", value: 3n });
  assert.deepEqual(parsePythonLiteral("(3,)"), {
    kind: "tuple",
    items: [{ kind: "int", value: 3n }],
  });
});

Deno.test("strings honour escapes and both quote styles", () => {
  assert.deepEqual(parsePythonLiteral(String.raw`'it\'s \\ "x"\n'`), {
    kind: "str",
    value: `it's \\ "x"\n`,
  });
  assert.deepEqual(parsePythonLiteral(`"<f4"`), { kind: "str", value: "<f4" });
});

Deno.test("integers of any size stay exact", () => {
  assert.deepEqual(parsePythonLiteral("123456789012345678901234567890"), {
    kind: "int",
    value: 123456789012345678901234567890n,
  });
  assert.deepEqual(parsePythonLiteral("12L"), { kind: "int", value: 12n });
});

Deno.test("garbage is refused with the index where it starts", () => {
  const cases: [string, number, string][] = [
    ["{'a': ?}", 6, "expected a value"],
    ["{'a' 1}", 5, "expected ':'"],
    ["{'a': 1 'b': 2}", 8, "expected ',' or '}'"],
    ["(1 2)", 3, "expected ',' or ')'"],
    ["[1, 2", 5, "the end"],
    ["{'a': 'abc", 6, "without its closing quote"],
    ["'a\nb'", 0, "without its closing quote"],
    ["'\\x41'", 2, "escape"],
    ["Truex", 0, "expected a value"],
    ["1.5", 1, "expected an integer"],
    ["12abc", 2, "expected an integer"],
    ["{} {}", 3, "end of the literal"],
    ["-", 0, "expected digits"],
    ["", 0, "expected a value"],
    ["(".repeat(20) + ")".repeat(20), 17, "nesting"],
  ];
  for (const [text, index, mention] of cases) {
    assert.throws(
      () => parsePythonLiteral(text),
      (err: unknown) => {
        assert.ok(err instanceof PythonLiteralError, `${JSON.stringify(text)}: ${err}`);
        assert.ok(err.message.includes(mention), `${JSON.stringify(text)}: ${err.message}`);
        assert.equal(err.index, index, `${JSON.stringify(text)}: index of ${err.message}`);
        return true;
      },
    );
  }
});
