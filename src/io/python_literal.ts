/**
 * A parser for the small subset of Python literals that `.npy` headers use.
 *
 * A `.npy` header is `repr()` of a dict such as `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (4, 3), }`. Matching it with regular expressions would accept garbage around the
 * pieces it looks for, so this parses it properly: dicts, tuples, lists, strings, integers,
 * `True`, `False` and `None`, with Python's trailing commas and a nesting limit.
 *
 * @module
 */

/** A parsed Python literal; tuples and lists stay distinct because `.npy` shapes are tuples. */
export type PythonLiteral =
  | { kind: "str"; value: string }
  | { kind: "int"; value: bigint }
  | { kind: "bool"; value: boolean }
  | { kind: "none" }
  | { kind: "tuple"; items: PythonLiteral[] }
  | { kind: "list"; items: PythonLiteral[] }
  | { kind: "dict"; entries: [PythonLiteral, PythonLiteral][] };

/**
 * Thrown by {@linkcode parsePythonLiteral}; `index` is the character position of the problem.
 *
 * @example Read the position of a syntax error
 * ```ts
 * import { parsePythonLiteral, PythonLiteralError } from "./python_literal.ts";
 *
 * try {
 *   parsePythonLiteral("{'a': ?}");
 * } catch (err) {
 *   if (!(err instanceof PythonLiteralError) || err.index !== 6) throw new Error("wrong");
 * }
 * ```
 */
export class PythonLiteralError extends SyntaxError {
  /** Character index into the parsed text where the problem was found. */
  readonly index: number;

  /**
   * @param message What was expected and what was found, without a position.
   * @param index Character index into the parsed text.
   */
  constructor(message: string, index: number) {
    super(message);
    this.name = "PythonLiteralError";
    this.index = index;
  }
}

// Headers nest two levels deep; the limit only stops hostile input from exhausting the stack.
const MAX_DEPTH = 16;

/**
 * Parses one Python literal that may be surrounded by whitespace and nothing else.
 *
 * @param text The literal, for example a `.npy` header.
 * @returns The parsed value.
 * @throws {PythonLiteralError} When the text is not a single supported literal.
 *
 * @example Parse a `.npy` header
 * ```ts
 * import { parsePythonLiteral } from "./python_literal.ts";
 *
 * const v = parsePythonLiteral("{'shape': (4,), 'fortran_order': False}\n");
 * if (v.kind !== "dict" || v.entries.length !== 2) throw new Error("wrong");
 * ```
 */
export function parsePythonLiteral(text: string): PythonLiteral {
  const parser = new Parser(text);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail("expected the end of the literal");
  return value;
}

class Parser {
  pos = 0;

  constructor(readonly text: string) {}

  fail(expected: string, at = this.pos): never {
    const found = at < this.text.length ? `${JSON.stringify(this.text[at])}` : "the end";
    throw new PythonLiteralError(`${expected} but found ${found}`, at);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && " \t\r\n".includes(this.text[this.pos])) this.pos++;
  }

  value(depth: number): PythonLiteral {
    if (depth > MAX_DEPTH) this.fail(`expected at most ${MAX_DEPTH} levels of nesting`);
    const c = this.text[this.pos];
    if (c === "{") return this.dict(depth);
    if (c === "(") return this.sequence("tuple", ")", depth);
    if (c === "[") return this.sequence("list", "]", depth);
    if (c === "'" || c === '"') return { kind: "str", value: this.string() };
    if (c === "-" || c === "+" || (c >= "0" && c <= "9")) return this.integer();
    for (const [word, literal] of KEYWORDS) {
      if (this.text.startsWith(word, this.pos) && !isWordChar(this.text[this.pos + word.length])) {
        this.pos += word.length;
        return literal;
      }
    }
    return this.fail("expected a value");
  }

  dict(depth: number): PythonLiteral {
    this.pos++; // "{"
    const entries: [PythonLiteral, PythonLiteral][] = [];
    this.skipSpace();
    while (this.text[this.pos] !== "}") {
      const key = this.value(depth + 1);
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.fail("expected ':' after a dict key");
      this.pos++;
      this.skipSpace();
      entries.push([key, this.value(depth + 1)]);
      this.skipSpace();
      if (this.text[this.pos] === ",") {
        this.pos++;
        this.skipSpace();
      } else if (this.text[this.pos] !== "}") {
        this.fail("expected ',' or '}' in a dict");
      }
    }
    this.pos++; // "}"
    return { kind: "dict", entries };
  }

  sequence(kind: "tuple" | "list", close: string, depth: number): PythonLiteral {
    this.pos++; // "(" or "["
    const items: PythonLiteral[] = [];
    let sawComma = false;
    this.skipSpace();
    while (this.text[this.pos] !== close) {
      items.push(this.value(depth + 1));
      this.skipSpace();
      sawComma = false;
      if (this.text[this.pos] === ",") {
        this.pos++;
        sawComma = true;
        this.skipSpace();
      } else if (this.text[this.pos] !== close) {
        this.fail(`expected ',' or '${close}' in a ${kind}`);
      }
    }
    // In Python `(3)` is the integer 3, not a tuple; only `(3,)` is a one-element tuple.
    if (kind === "tuple" && items.length === 1 && !sawComma) {
      this.pos++;
      return items[0];
    }
    this.pos++;
    return { kind, items };
  }

  string(): string {
    const quote = this.text[this.pos];
    const start = this.pos;
    let out = "";
    this.pos++;
    while (true) {
      if (this.pos >= this.text.length || this.text[this.pos] === "\n") {
        // Point at the opening quote: the end of the line or text says little about the cause.
        throw new PythonLiteralError("found a string without its closing quote", start);
      }
      const c = this.text[this.pos];
      if (c === quote) break;
      if (c === "\\") {
        const next = this.text[this.pos + 1];
        const escaped = next === undefined ? undefined : ESCAPES[next];
        if (escaped === undefined) {
          this.fail("expected a supported escape after '\\'", this.pos + 1);
        }
        out += escaped;
        this.pos += 2;
      } else {
        out += c;
        this.pos++;
      }
    }
    this.pos++;
    return out;
  }

  integer(): PythonLiteral {
    const match = /^[-+]?[0-9]+/.exec(this.text.slice(this.pos, this.pos + 64));
    if (match === null) return this.fail("expected digits");
    this.pos += match[0].length;
    // Python 2 wrote long integers with an "L" suffix; old .npy files carry it in their shape.
    if (this.text[this.pos] === "L") this.pos++;
    if (isWordChar(this.text[this.pos]) || this.text[this.pos] === ".") {
      this.fail("expected an integer");
    }
    return { kind: "int", value: BigInt(match[0]) };
  }
}

const KEYWORDS: [string, PythonLiteral][] = [
  ["True", { kind: "bool", value: true }],
  ["False", { kind: "bool", value: false }],
  ["None", { kind: "none" }],
];

const ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  t: "\t",
  r: "\r",
};

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}
