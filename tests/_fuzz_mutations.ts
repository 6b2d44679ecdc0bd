/**
 * Mutations of valid files for the fuzz tests: bit flips, byte writes, truncations, inserted
 * and deleted runs, duplicated runs (longer files), length fields set to any value, and edits
 * of header text that turn a valid header into a lying or hostile one. fast-check generates a
 * list of them, and shrinks a failing list to the fewest and simplest.
 *
 * @module
 */

import fc from "fast-check";

/** One edit of a byte string; positions are fractions of its length, so any list applies. */
export type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; byte: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; length: number }
  | { kind: "repeat"; at: number; length: number; times: number }
  | { kind: "length"; offset: number; size: 2 | 4 | 8; value: bigint }
  | { kind: "replace"; find: string; by: string };

/** Bytes that mean something to one of the formats: brackets, quotes, digits, separators. */
const MEANINGFUL = [..."{}[]()'\",:;\t\n\r \\0123456789-+.eE#TFNInf"].map((c) => c.charCodeAt(0))
  .concat([0x00, 0x7f, 0x80, 0xc3, 0xff, 0xef, 0xbb, 0xbf]);

/** Length values that break careless arithmetic: zero, off by one, sign bits, the maxima. */
const LENGTHS = [
  0n,
  1n,
  2n,
  7n,
  8n,
  63n,
  64n,
  127n,
  128n,
  0x7fffn,
  0xffffn,
  0x10000n,
  0x7fffffffn,
  0xffffffffn,
  2n ** 53n,
  2n ** 63n,
  2n ** 64n - 1n,
];

/**
 * Header text edits: each finds a token a valid header holds and writes another in its place,
 * such as a huge or negative dimension, another dtype, a broken literal or a nested one.
 */
export const HEADER_EDITS: readonly [string, string][] = [
  ["(", "(1000000000, 1000000000, "],
  ["(", "(0, "],
  ["(", "(-1, "],
  ["(", "((("],
  [")", ",)"],
  [")", ""],
  ["'<f4'", "'<f2'"],
  ["'<f4'", "'>f8'"],
  ["'<f4'", "'|u1'"],
  ["'<f4'", "'<c8'"],
  ["'<f4'", "[('a', '<f4')]"],
  ["'<f4'", "'<f4"],
  ["'<f4'", "'\\x'"],
  ["False", "True"],
  ["False", "Fals"],
  ["False", "None"],
  ["'shape'", "'shape', 'shape'"],
  ["'shape'", "'sha\\'pe'"],
  ["'descr'", "'__proto__'"],
  ["}", ""],
  ["}", ", 'x': 1}"],
  [", ", ",,"],
  ["\n", ""],
  ['"shape"', '"shape":[99999999999,99999999999],"s"'],
  ['"data"', '"data":"x","d"'],
  ['"dtype":"F32"', '"dtype":"F16"'],
  ['"dtype":"F32"', '"dtype":"I64"'],
  ['"dtype":"F32"', '"dtype":"constructor"'],
  ['"data_offsets":[', '"data_offsets":[-1,'],
  ['"data_offsets":[', '"data_offsets":[1e300,'],
  ['"data_offsets":[0', '"data_offsets":[9007199254740993'],
  ["[", "[[[["],
  ["]", "]]"],
  ["1", "1e400"],
  ["1", "NaN"],
  ["1", "-Infinity"],
  ["1", "0x1f"],
  ["1", '"1"'],
  ["1", "null"],
  ["1", "1.5e-400"],
  [",", ";"],
  [",", "\t"],
  [",", '",'],
  ["\n", "\r\n"],
  ["\n", "\n\n#"],
];

/** Fractions of a length, biased toward both ends where headers and tails are. */
const position = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.double({ min: 0, max: 0.05, noNaN: true }),
  fc.constantFrom(0, 1),
);

/** Any one mutation. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: position, bit: fc.integer({ max: 7 }) }),
  fc.record({
    kind: fc.constant("set" as const),
    at: position,
    byte: fc.oneof(fc.constantFrom(...MEANINGFUL), fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: position }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: position,
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 16 }),
      fc.array(fc.constantFrom(...MEANINGFUL), { minLength: 1, maxLength: 16 })
        .map((b) => Uint8Array.from(b)),
    ),
  }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: position,
    length: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({
    kind: fc.constant("repeat" as const),
    at: position,
    length: fc.integer({ min: 1, max: 64 }),
    times: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({
    kind: fc.constant("length" as const),
    offset: fc.constantFrom(0, 8),
    size: fc.constantFrom(2 as const, 4 as const, 8 as const),
    value: fc.oneof(fc.constantFrom(...LENGTHS), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
  }),
  fc.constantFrom(...HEADER_EDITS).map(([find, by]) => ({
    kind: "replace" as const,
    find,
    by,
  })),
);

/** Up to `most` mutations, applied in order. */
export function mutations(most = 6): fc.Arbitrary<Mutation[]> {
  return fc.array(mutation, { minLength: 1, maxLength: most });
}

/**
 * Applies mutations to a copy of `bytes`.
 *
 * @param bytes the valid file
 * @param list the mutations
 * @returns the mutated bytes
 */
export function mutate(bytes: Uint8Array, list: readonly Mutation[]): Uint8Array {
  let out: Uint8Array = bytes.slice();
  const index = (at: number, length: number) => Math.min(length, Math.floor(at * length));
  for (const m of list) {
    switch (m.kind) {
      case "flip":
        if (out.length > 0) out[index(m.at, out.length - 1)] ^= 1 << m.bit;
        break;
      case "set":
        if (out.length > 0) out[index(m.at, out.length - 1)] = m.byte;
        break;
      case "truncate":
        out = out.slice(0, index(m.at, out.length));
        break;
      case "insert": {
        const i = index(m.at, out.length);
        out = join(out.subarray(0, i), m.bytes, out.subarray(i));
        break;
      }
      case "delete": {
        const i = index(m.at, out.length);
        out = join(out.subarray(0, i), out.subarray(i + m.length));
        break;
      }
      case "repeat": {
        const i = index(m.at, out.length);
        const run = out.subarray(i, i + m.length);
        out = join(
          out.subarray(0, i),
          ...Array(m.times + 1).fill(run),
          out.subarray(i + m.length),
        );
        break;
      }
      case "length": {
        if (out.length < m.offset + m.size) break;
        const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
        const value = m.value & ((1n << BigInt(8 * m.size)) - 1n);
        if (m.size === 2) view.setUint16(m.offset, Number(value), true);
        else if (m.size === 4) view.setUint32(m.offset, Number(value), true);
        else view.setBigUint64(m.offset, value, true);
        break;
      }
      case "replace": {
        const find = latin1(m.find);
        const i = indexOf(out, find);
        if (i >= 0) out = join(out.subarray(0, i), latin1(m.by), out.subarray(i + find.length));
        break;
      }
    }
  }
  return out;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
